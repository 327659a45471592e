export { formatDuration, formatLine, formatTable } from "./table.ts";
export { formatJunit } from "./junit.ts";
export { formatJson, type HwtestSummary, summaryOf } from "./json.ts";

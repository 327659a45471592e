export { type Column, formatColumns, formatCounts, formatDuration, formatLine, formatTable, type TableOptions, visibleLength } from "./table.ts";
export { formatJunit } from "./junit.ts";
export { formatJson, type HwtestSummary, summaryOf } from "./json.ts";

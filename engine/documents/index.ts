export type {
  AnyDocument,
  Configuration,
  DataKey,
  Datum,
  DatumPage,
  DocumentCallback,
  DocumentMap,
  DocumentName,
  Dtype,
  Event,
  EventDescriptor,
  EventPage,
  ExitStatus,
  Limits,
  LimitsRange,
  NamedDocument,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "./types.ts";
export { DOCUMENT_NAMES } from "./types.ts";
export { DOCUMENT_SCHEMAS, documentProblems, isValidDocument, validateDocument } from "./validate.ts";
export {
  DEFAULT_STREAM_NAME,
  composeDatum,
  composeDescriptor,
  composeEvent,
  composeResource,
  composeRunStart,
  composeRunStop,
  composeStreamDatum,
  composeStreamResource,
  newUid,
  nowSeconds,
  packDatumPage,
  packEventPage,
  unpackDatumPage,
  unpackEventPage,
} from "./compose.ts";
export type {
  ComposeDescriptorOptions,
  ComposeEventOptions,
  ComposeResourceOptions,
  ComposeRunStopOptions,
  ComposeStreamDatumOptions,
  ComposeStreamResourceOptions,
  RunStartInput,
  StreamRange,
} from "./compose.ts";
export { DEFAULT_SAMPLE_START_TIME, sampleRun } from "./sample-run.ts";
export type { SampleRunOptions } from "./sample-run.ts";

export * from "./commands/index.ts";
export { AlarmSeverity, AlarmStatus, alarmSeverityName, alarmStatusName } from "./alarm.ts";
export { Broadcaster, DEFAULT_MAX_DATAGRAM_BYTES, type BroadcasterOptions } from "./broadcaster.ts";
export { ByteWriter, padding8 } from "./bytes.ts";
export { ChannelRecord, DBR_STRUCT_SLACK, VirtualCircuit, type VirtualCircuitOptions } from "./circuit.ts";
export {
  AccessRights,
  CA_MAJOR_PROTOCOL_REVISION,
  CA_MINOR_PROTOCOL_REVISION,
  CA_PRIORITY_MAX,
  CA_PRIORITY_MIN,
  Dbe,
  DBE_ALL,
  DEFAULT_CA_REPEATER_PORT,
  DEFAULT_CA_SERVER_PORT,
  DEFAULT_MAX_ARRAY_BYTES,
  EPICS_EPOCH_OFFSET_S,
  EXTENDED_HEADER_SIZE,
  HEADER_SIZE,
  INADDR_ANY_REPLY,
  MAX_ENUM_STATES,
  MAX_ENUM_STRING_SIZE,
  MAX_STRING_SIZE,
  MAX_UNITS_SIZE,
  SearchReply,
  type DbeMask,
} from "./constants.ts";
export { charArrayToString, convertValues, stringToCharArray, valuesFromInput, type ConvertContext } from "./convert.ts";
export { readDbr, writeDbr } from "./dbr-codec.ts";
export { emptyValues, makeDbrData, ZERO_LIMITS, type DbrData, type DbrLimits, type DbrValues } from "./dbr-data.ts";
export {
  DbrForm,
  dbrLayout,
  dbrPayloadSize,
  DbrType,
  dbrTypeFor,
  dbrTypeFromName,
  dbrTypeName,
  isValidDbrType,
  LAST_DBR_TYPE,
  NativeType,
  type DbrLayout,
  type DbrTypeCode,
} from "./dbr-types.ts";
export {
  AccessDeniedError,
  CaClosedError,
  CaConversionError,
  CaDisconnectedError,
  CaInvalidArgumentError,
  CaStatusError,
  CaTimeoutError,
  ChannelAccessError,
  ChannelNotFoundError,
  LocalProtocolError,
  RemoteProtocolError,
} from "./errors.ts";
export { emptyHeader, headerSizeFor, needsExtendedHeader, readHeader, writeHeader, type Header } from "./header.ts";
export { CommandReader, type CommandReaderOptions } from "./reader.ts";
export {
  CHANNEL_TRANSITIONS,
  ChannelState,
  CIRCUIT_TRANSITIONS,
  CircuitState,
  Role,
  senderOf,
  transition,
  type TransitionTable,
} from "./state.ts";
export { EcaStatus, ecaIsSuccess, ecaMessage, ecaName } from "./status.ts";
export {
  timestampFromDate,
  timestampFromPosixSeconds,
  timestampNow,
  timestampToDate,
  timestampToPosixSeconds,
  ZERO_TIMESTAMP,
  type EpicsTimestamp,
} from "./timestamp.ts";

export * from "./client.ts";
export {
  envAddressList,
  envNumber,
  envPort,
  envYesNo,
  interfaceBroadcastAddresses,
  ipv4ToNumber,
  numberToIpv4,
  parseAddressList,
  type EpicsEnv,
  type HostPort,
} from "./env.ts";
export { PvRegistry, type CaPv, type ClientInfo, type PvListener, type PvProvider, type PvSnapshot } from "./pv.ts";
export { emptyDbr, snapshotToDbr } from "./pv-data.ts";
export { CaServer, DEFAULT_BEACON_PERIOD_MS, type CaServerOptions } from "./server.ts";
export {
  DEFAULT_SOFT_PV_CLASS_NAME,
  SoftPV,
  type AlarmLimits,
  type PutHandler,
  type SetOptions,
  type SoftPvMetadata,
  type SoftPVOptions,
  type SoftPvTypeName,
} from "./soft-pv.ts";
export { RawCircuitClient, udpExchange } from "./testing/raw-client.ts";

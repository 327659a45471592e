/** A soft IOC serving the simulators over Channel Access. */
export { CA_STRING_CHARS, NATIVE_TYPES, pvValueOf, SimCaPv, snapshotOf, truncateCaString } from "./ca_pv.ts";
export { SimTableProvider } from "./provider.ts";
export { DEFAULT_IOC_INTERFACES, DEFAULT_IOC_PROFILES, type Ioc, IocSim, startIoc, type StartIocOptions } from "./ioc.ts";

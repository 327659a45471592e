/** skyloop devices: signals, backends, Device and StandardReadable, Status, simulated devices, test helpers. */
export * from "./core/index.ts";
export * from "./sim/index.ts";
export * from "./ca/index.ts";
export * from "./motors/index.ts";
export * from "./accelerator/index.ts";
export * from "./beamline/index.ts";
export * from "./profile.ts";
export {
  assertReading,
  assertConfiguration,
  assertValue,
  assertDescribeMatchesRead,
  mockBackendOf,
  setMockValue,
  setMockPutProceeds,
  setMockPutError,
  getMockPuts,
  callbackOnMockPut,
  type ExpectedReading,
  type AssertReadingOptions,
} from "./testing.ts";

/** Channel Access signals: the `ca://` backend over epics/'s client, its conversion table and shared context. */
export { CA_SCHEME, CaSignalBackend, type CaSignalBackendOptions } from "./ca_signal_backend.ts";
export { CA_CONVERSIONS, CaConverter } from "./conversion.ts";
export {
  type CaContextSource,
  closeSharedCaContext,
  configureSharedCaContext,
  resolveCaContext,
  sharedCaContext,
} from "./context.ts";
export { registerCaBackend, type RegisterCaBackendOptions } from "./register.ts";

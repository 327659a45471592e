/** Puts the Channel Access backend under the `ca` scheme, so signals built on `ca://PV` URIs connect over CA. */
import type { BackendOptions } from "../core/signal_backend.ts";
import { registerBackendScheme, unregisterBackendScheme } from "../core/signal_backend.ts";
import { CA_SCHEME, CaSignalBackend } from "./ca_signal_backend.ts";
import type { CaContextSource } from "./context.ts";

export interface RegisterCaBackendOptions {
  /** The context every `ca://` signal uses. @default the process-wide shared context (see sharedCaContext) */
  context?: CaContextSource;
}

/**
 * Register (or re-register) the `ca` scheme. Call it from the composition root before devices connect;
 * returns the function that takes the scheme away again.
 */
export function registerCaBackend(options: RegisterCaBackendOptions = {}): () => void {
  const { context } = options;
  const factory = <T>(address: string, backendOptions: BackendOptions<T>) =>
    new CaSignalBackend<T>(address, context === undefined ? backendOptions : { ...backendOptions, context });
  registerBackendScheme(CA_SCHEME, factory, { replace: true });
  return () => {
    unregisterBackendScheme(CA_SCHEME);
  };
}

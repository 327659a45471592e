/** The project's seeded generator, which simulated devices share; see devices/core/random.ts. */
export { Rng, type RngState } from "../../devices/core/random.ts";

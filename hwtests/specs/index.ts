/** The built-in specs: one per protocol, one per device family. */
import type { SpecModule } from "../spec.ts";
import { beamCurrentSpec } from "./families/beam_current.ts";
import { bpmSpec } from "./families/bpm.ts";
import { cameraSpec } from "./families/camera.ts";
import { correctorSpec } from "./families/corrector.ts";
import { energySpec } from "./families/energy.ts";
import { gateSpec } from "./families/gate.ts";
import { orbitSpec } from "./families/orbit.ts";
import { configurableSpec } from "./protocols/configurable.ts";
import { movableSpec } from "./protocols/movable.ts";
import { readableSpec } from "./protocols/readable.ts";
import { stageableSpec } from "./protocols/stageable.ts";
import { triggerableSpec } from "./protocols/triggerable.ts";

export const BUILTIN_SPECS: readonly (readonly [string, SpecModule])[] = [
  ["protocols/readable", readableSpec],
  ["protocols/configurable", configurableSpec],
  ["protocols/stageable", stageableSpec],
  ["protocols/triggerable", triggerableSpec],
  ["protocols/movable", movableSpec],
  ["families/bpm", bpmSpec],
  ["families/corrector", correctorSpec],
  ["families/gate", gateSpec],
  ["families/energy", energySpec],
  ["families/camera", cameraSpec],
  ["families/beam_current", beamCurrentSpec],
  ["families/orbit", orbitSpec],
];

export { beamCurrentSpec, bpmSpec, cameraSpec, configurableSpec, correctorSpec, energySpec, gateSpec, movableSpec, orbitSpec, readableSpec, stageableSpec, triggerableSpec };

/**
 * A double-crystal monochromator: the Bragg axis is a motor record (`<prefix>BRAGG`, degrees), the crystal's
 * lattice spacing a PV (`DSPACING`, Å). Energy is a pseudo-positioner over the Bragg angle (λ = 2d sin θ): its
 * readback, read under the device's own name, is computed from the Bragg readback; `set(energy)` moves the
 * Bragg axis, refusing energies outside what the axis's limits allow (LimitError) before moving.
 */
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import type { HasLimits, Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { softSignalRW } from "../core/signal_factories.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status, Status as StatusHelpers } from "../core/status.ts";
import { derivedSignalR } from "../motors/derived_signal.ts";
import { EpicsMotor } from "../motors/epics_motor.ts";
import { limitsActive, pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type MonochromatorOptions = PvDeviceOptions;

/** hc, eV·Å: λ[Å] = HC_EV_ANGSTROM / E[eV]. */
export const HC_EV_ANGSTROM = 12398.42;

/** Energy (eV) passed at Bragg angle `thetaDeg` by planes of spacing `dA` (Å). */
export function energyFromBragg(thetaDeg: number, dA: number): number {
  return HC_EV_ANGSTROM / (2 * dA * Math.sin((thetaDeg * Math.PI) / 180));
}

/** Bragg angle (degrees) for `energyEv`, or NaN below the crystal's minimum energy. */
export function braggFromEnergy(energyEv: number, dA: number): number {
  const s = HC_EV_ANGSTROM / (2 * dA * energyEv);
  return s > 0 && s < 1 ? (Math.asin(s) * 180) / Math.PI : Number.NaN;
}

export class Monochromator extends StandardReadable implements Locatable<number>, Stoppable, HasLimits {
  readonly bragg: EpicsMotor;
  readonly d_spacing: SignalR<number>;
  /** Energy readback, eV, from the Bragg readback. */
  readonly energy: SignalR<number>;
  /** The last energy asked for, eV. */
  readonly energy_setpoint: SignalRW<number>;

  constructor(options: MonochromatorOptions) {
    super();
    const pv = pvFactory(options, "Monochromator");
    this.bragg = new EpicsMotor({ ...options, prefix: `${options.prefix}BRAGG` });
    this.d_spacing = pv.r<number>("DSPACING", { datatype: "number" });
    this.energy = derivedSignalR([this.bragg.user_readback, this.d_spacing], energyFromBragg, {
      units: "eV",
      precision: 2,
      address: `${options.prefix}ENERGY`,
    });
    this.energy_setpoint = softSignalRW(0, { units: "eV", precision: 2 });
    this.addReadables(Kind.hinted, [this.energy]);
    this.addReadables(Kind.normal, [this.energy_setpoint, this.bragg]);
    this.addReadables(Kind.config, [this.d_spacing]);
    this.setName(options.name ?? "");
  }

  override setName(name: string): void {
    super.setName(name);
    this.energy?.setName(name);
  }

  /** [low, high] energy, eV, from the Bragg axis's limits ([0, 0] when the axis has none). */
  async limits(): Promise<readonly [number, number]> {
    const [thetaLimits, d] = await Promise.all([this.bragg.limits(), this.d_spacing.getValue()]);
    if (!limitsActive(thetaLimits)) return [0, 0];
    return [energyFromBragg(thetaLimits[1], d), energyFromBragg(Math.max(thetaLimits[0], 1e-9), d)];
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.energy_setpoint.getValue(), this.energy.getValue()]);
    return { setpoint, readback };
  }

  /** Move to `energy` (eV); the Status completes when the Bragg axis arrives. */
  set(energy: number, options: SetOptions = {}): Status {
    if (typeof energy !== "number" || !Number.isFinite(energy) || energy <= 0)
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: energy ${JSON.stringify(energy)} eV is not a finite number > 0`, energy));
    return new AsyncStatus(
      async () => {
        const [d, limits] = await Promise.all([this.d_spacing.getValue(), this.limits()]);
        const theta = braggFromEnergy(energy, d);
        if (Number.isNaN(theta))
          throw new InvalidArgumentError(`${this.name}: ${energy} eV is below the crystal's minimum of ${(HC_EV_ANGSTROM / (2 * d)).toFixed(1)} eV (d = ${d} Å)`, energy);
        if (limitsActive(limits) && (energy < limits[0] || energy > limits[1])) throw new LimitError(this.name, energy, limits);
        await this.energy_setpoint.set(energy);
        await this.bragg.set(theta, options);
      },
      { name: `${this.name}: move to ${energy} eV`, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) },
    );
  }

  async stop(success = false): Promise<void> {
    await this.bragg.stop(success);
  }
}

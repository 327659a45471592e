/**
 * Continuous energy scan of the plane-grating monochromator from 370 to 470 eV on the soft X-ray beamline,
 * sampling I0/It every 0.1 s while grating and mirror move (the `flyscan` plan). The nitrogen sample's
 * π* resonance (≈ 401 eV) and K edge (409.9 eV) show in μ = ln(I0/It).
 */
import { flyscan } from "../../engine/plans/flyscan.ts";
import type { Movable, Readable } from "../../engine/protocols.ts";
import type { SignalRW } from "../../devices/core/signal.ts";
import { type ExampleOptions, type ExampleResult, ExampleSession, simInstrument } from "./common.ts";

export const ENERGY_FLYSCAN = { start: 370, stop: 470, period: 0.1, countTime: 0.05, speedUp: 1, quickSpeedUp: 10 } as const;

export async function energyFlyscan(options: ExampleOptions = {}): Promise<ExampleResult> {
  const session = new ExampleSession("energy-flyscan", options);
  const speedUp = options.speedUp ?? (options.quick ? ENERGY_FLYSCAN.quickSpeedUp : ENERGY_FLYSCAN.speedUp);
  const { start, stop, period, countTime } = ENERGY_FLYSCAN;
  const instrument = await simInstrument("sim-softxray.yaml", speedUp);
  try {
    const pgm = instrument.devices.pgm as unknown as Movable & Readable & { energy: { velocity: SignalRW<number> } };
    const ic = instrument.devices.ic as unknown as Readable & { acquire_time: SignalRW<number> };
    const velocity = await pgm.energy.velocity.getValue();
    session.log(
      `continuous energy scan: PGM ${start} → ${stop} eV at ${(velocity / speedUp).toFixed(1)} eV/s (simulated; speed-up ${speedUp}), ` +
        `I0/It counted ${countTime} s and sampled every ${period} s of wall clock`,
    );
    await ic.acquire_time.set(countTime);
    const { stream } = await session.run(flyscan([ic], pgm, start, stop, period));
    const energy = stream.column("pgm");
    const i0 = stream.column("ic-i0");
    const it = stream.column("ic-it");
    const mu = i0.map((v, i) => Math.log(v / it[i]!));
    const t = stream.times("pgm");
    const gaps = t.slice(1).map((v, i) => v - t[i]!);
    const meanGap = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
    const iPeak = mu.indexOf(Math.max(...mu));
    session.log(
      `${energy.length} samples from ${energy[0]?.toFixed(2)} to ${energy[energy.length - 1]?.toFixed(2)} eV, ` +
        `every ${meanGap.toFixed(3)} s on average; strongest absorption (N π*) at ${energy[iPeak]?.toFixed(1)} eV`,
    );
    session.plot("energy-flyscan.svg", {
      title: `PGM fly scan ${start}–${stop} eV: μ = ln(I0/It), N K edge`,
      xLabel: "photon energy [eV]",
      yLabel: "μ = ln(I0/It)",
      series: [{ name: "μ(E)", x: energy, y: mu, mode: "lines+markers" }],
    });
    return session.finish({
      samples: energy.length,
      first_energy: energy[0],
      last_energy: energy[energy.length - 1],
      mean_interval_s: meanGap,
      pi_star_ev: energy[iPeak],
      speed_up: speedUp,
    });
  } finally {
    instrument.dispose();
  }
}

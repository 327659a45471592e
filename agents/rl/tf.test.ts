import { describe, expect, it } from "vitest";
import { Rng } from "../../sims/math/index.ts";
import { ReplayBuffer } from "./replay.ts";
import { Td3 } from "./td3.ts";
import { describeBackend, loadTf, parseBackend, tf, TfBackend, TfBackendError } from "./tf.ts";

describe("TensorFlow.js backend loading", () => {
  it("skips the absent native backend, says why, and falls back in order", async () => {
    const loaded = await loadTf([TfBackend.Node, TfBackend.Wasm, TfBackend.Cpu]);
    expect(loaded.attempts[0]).toMatchObject({ backend: "tensorflow", ok: false });
    expect(loaded.attempts[0]!.reason).toMatch(/not installed or not loadable/);
    expect(loaded.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(describeBackend(loaded)).toMatch(/^TensorFlow\.js 4\.\d+\.\d+ on wasm \(skipped tensorflow: not installed/);
  });

  for (const backend of [TfBackend.Wasm, TfBackend.Cpu]) {
    it(`trains and infers on ${backend}`, async () => {
      const loaded = await loadTf([backend]);
      expect(loaded.backend).toBe(backend);
      const td3 = new Td3({ obsSize: 3, actionSize: 2, hidden: [4], actorWarmupUpdates: 0, policyDelay: 1 });
      const buffer = new ReplayBuffer(16, 3, 2);
      const rng = new Rng(2);
      for (let i = 0; i < 16; i++) buffer.add([rng.gaussian(), rng.gaussian(), 1], [rng.uniformIn(-1, 1), 0], -1, [0, 0, 1], false);
      const result = td3.update(buffer.sample(buffer.createBatch(8), rng));
      expect(Number.isFinite(result.criticLoss)).toBe(true);
      expect(result.actorLoss).not.toBeNull();
      const a = td3.act(new Float32Array([1, 2, 3]));
      expect(a.length).toBe(2);
      a.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(1));
      td3.dispose();
    });
  }

  it("refuses an unknown backend name, naming it", () => {
    expect(() => parseBackend("gpu")).toThrow(TfBackendError);
    expect(() => parseBackend("gpu")).toThrow('no TensorFlow.js backend could be loaded (tried gpu): unknown backend "gpu" (known: tensorflow, wasm, cpu)');
  });

  it("reports every failure when no backend of the list loads", async () => {
    await expect(loadTf([TfBackend.Node])).rejects.toThrow(/^no TensorFlow\.js backend could be loaded \(tried tensorflow\): tensorflow: not installed or not loadable/);
    await loadTf();
  });
});

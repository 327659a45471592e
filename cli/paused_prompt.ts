/**
 * While the RunEngine is paused (Ctrl-C, a `pause` message), ask the person at the terminal what to do,
 * as Bluesky's IPython prompt does with RE.resume() / RE.stop() / RE.abort() / RE.halt().
 */
import { createInterface } from "node:readline/promises";
import type { RunEngine } from "../engine/run_engine/index.ts";
import { RunEngineState } from "../engine/run_engine/index.ts";

export function promptWhenPaused(engine: RunEngine): () => void {
  let asking = false;
  const sub = engine.state$.subscribe((state) => {
    if (state !== RunEngineState.Paused || asking) return;
    if (!process.stdin.isTTY) {
      // Nobody can answer: end the run properly (stop document, devices stopped) rather than hang or vanish.
      void engine.abort("paused with no terminal to resume from");
      return;
    }
    asking = true;
    void ask(engine).finally(() => {
      asking = false;
    });
  });
  return () => sub.unsubscribe();
}

async function ask(engine: RunEngine): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question("paused: [r]esume, [s]top, [a]bort, [h]alt? ")).trim().toLowerCase();
      if (answer.startsWith("r")) return void (await engine.resume());
      if (answer.startsWith("s")) return void (await engine.stop());
      if (answer.startsWith("a")) return void (await engine.abort("aborted at the terminal"));
      if (answer.startsWith("h")) return void (await engine.halt());
    }
  } finally {
    rl.close();
  }
}

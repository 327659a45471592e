/**
 * Valves and shutters: open and close commands (`<prefix>OPEN`, `CLOSE`), the state (`STATE`: Closed, Open,
 * Moving), the interlock (`INTLK`: OK, Interlocked) and the interlock's last message (`INTLK:MSG`).
 * `set("open" | "close")` returns a Status that completes when the state is reached, or fails with an
 * InterlockRefusedError carrying the interlock's reason when it refuses (the IOC decides, and says why in
 * `INTLK:MSG`; the device does not second-guess it).
 */
import { InvalidArgumentError, TimeoutError } from "../../engine/errors.ts";
import type { Movable, SetOptions } from "../../engine/protocols.ts";
import type { SignalR, SignalW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status, Status as StatusHelpers } from "../core/status.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";
import { waitForValue } from "../motors/wait.ts";
import { InterlockRefusedError } from "./errors.ts";

export const GATE_STATES = ["Closed", "Open", "Moving"] as const;
export const INTERLOCK_STATES = ["OK", "Interlocked"] as const;

/** What `set()` accepts. */
export const GateCommand = { open: "open", close: "close" } as const;
export type GateCommand = (typeof GateCommand)[keyof typeof GateCommand];

export interface GateOptions extends PvDeviceOptions {
  /** Longest an open or close may take, ms. @default DEFAULT_GATE_TIMEOUT_MS */
  travelTimeoutMs?: number;
}

export const DEFAULT_GATE_TIMEOUT_MS = 10_000;

abstract class BeamGate extends StandardReadable implements Movable<GateCommand> {
  readonly state: SignalR<string>;
  readonly interlock: SignalR<string>;
  readonly interlock_message: SignalR<string>;
  readonly open_cmd: SignalW<number>;
  readonly close_cmd: SignalW<number>;
  readonly #travelTimeoutMs: number;

  constructor(options: GateOptions, what: string) {
    super();
    const pv = pvFactory(options, what);
    this.state = pv.r<string>("STATE", { datatype: "enum", choices: GATE_STATES });
    this.interlock = pv.r<string>("INTLK", { datatype: "enum", choices: INTERLOCK_STATES });
    this.interlock_message = pv.r<string>("INTLK:MSG", { datatype: "string" });
    this.open_cmd = pv.w<number>("OPEN", { datatype: "integer" });
    this.close_cmd = pv.w<number>("CLOSE", { datatype: "integer" });
    this.#travelTimeoutMs = options.travelTimeoutMs ?? DEFAULT_GATE_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.state]);
    this.addReadables(Kind.normal, [this.interlock]);
    this.setName(options.name ?? "");
  }

  async isOpen(): Promise<boolean> {
    return (await this.state.getValue()) === "Open";
  }

  open(options?: SetOptions): Status {
    return this.set("open", options);
  }

  close(options?: SetOptions): Status {
    return this.set("close", options);
  }

  set(command: GateCommand, options: SetOptions = {}): Status {
    if (command !== "open" && command !== "close")
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: set takes "open" or "close", got ${JSON.stringify(command)}`, command));
    const target = command === "open" ? "Open" : "Closed";
    const timeoutMs = options.timeoutMs ?? this.#travelTimeoutMs;
    return new AsyncStatus(
      async (abort) => {
        try {
          await (command === "open" ? this.open_cmd : this.close_cmd).set(1, { wait: true, timeoutMs });
        } catch (err) {
          if (err instanceof TimeoutError) throw err;
          const msg = await this.interlock_message.getValue().catch(() => "");
          throw new InterlockRefusedError(this.name, command, msg || (err as Error).message, { cause: err });
        }
        await waitForValue(this.state, (s) => s === target, { timeoutMs, abort, what: `${this.name}: ${command}` });
      },
      { name: `${this.name}: ${command}`, timeoutMs },
    );
  }
}

/** A vacuum valve. */
export class Valve extends BeamGate {
  constructor(options: GateOptions) {
    super(options, "Valve");
  }
}

/** A beam shutter. */
export class Shutter extends BeamGate {
  constructor(options: GateOptions) {
    super(options, "Shutter");
  }
}

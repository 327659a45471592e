/**
 * Preprocessors that rewrite a plan as it runs, after Bluesky's `plan_mutator` and `msg_mutator`.
 * Both pass results back into the plan and deliver errors thrown into them (by the RunEngine) to the plan,
 * so wrapped plans can still catch failures and clean up.
 */
import type { Msg, Plan } from "../msg.ts";

/**
 * `[head, tail]` for one message: `head` replaces the message (the result of its last message is what the
 * host plan receives; yield the original message from `head` to keep it), `tail` runs after it (its results
 * are swallowed). `[null, null]` lets the message through unchanged; `[null, tail]` lets it through and then
 * runs `tail`.
 */
export type MsgProcessor = (m: Msg) => readonly [Plan<unknown> | null, Plan<unknown> | null];

/** A plan yielding exactly `m` and returning its result. */
export function* singleMsg(m: Msg): Plan<any> {
  return yield m;
}

/** Run plans one after the other, returning each one's result. */
export function* pchain(...plans: Plan<unknown>[]): Plan<unknown[]> {
  const out: unknown[] = [];
  for (const p of plans) out.push(yield* p);
  return out;
}

/**
 * Insert or replace messages of `plan` on the fly. Each message the plan (or an inserted plan) yields is
 * offered to `proc` once; a message object already offered passes through untouched, which is how a `head`
 * re-yields the original.
 */
export function* planMutator<T>(plan: Plan<T>, proc: MsgProcessor): Plan<T> {
  const seen = new WeakSet<Msg>();
  const planStack: Plan<unknown>[] = [plan];
  const resultStack: unknown[] = [undefined];
  const tailOf = new Map<Plan<unknown>, Plan<unknown> | null>();
  const tailResult = new Map<Plan<unknown>, unknown>();
  let pending: { error: unknown } | undefined;
  let retValue: T | undefined;
  let finished = false;
  try {
    for (;;) {
      const top = planStack[planStack.length - 1]!;
      let step: IteratorResult<Msg, unknown>;
      try {
        if (pending) {
          const { error } = pending;
          pending = undefined;
          step = top.throw(error);
        } else {
          step = top.next(resultStack.pop());
        }
      } catch (error) {
        // The top plan is dead; hand the error to whichever plan is below it.
        planStack.pop();
        tailOf.delete(top);
        if (planStack.length === 0) {
          finished = true;
          throw error;
        }
        pending = { error };
        continue;
      }
      if (step.done) {
        planStack.pop();
        if (top === plan) retValue = step.value as T;
        let ret = step.value;
        // Leaving a tail: the host gets the result its head produced, not the tail's.
        if (tailResult.has(top)) {
          ret = tailResult.get(top);
          tailResult.delete(top);
        }
        const tail = tailOf.get(top);
        tailOf.delete(top);
        if (tail) {
          planStack.push(tail);
          tailResult.set(tail, ret);
          resultStack.push(undefined);
        } else {
          resultStack.push(ret);
        }
        if (planStack.length === 0) {
          finished = true;
          return retValue as T;
        }
        continue;
      }
      const m = step.value;
      if (!seen.has(m)) {
        seen.add(m);
        let [head, tail] = proc(m);
        if (tail && !head) head = singleMsg(m);
        if (head) {
          planStack.push(head);
          resultStack.push(undefined);
          tailOf.set(head, tail);
          continue;
        }
      }
      try {
        resultStack.push(yield m);
      } catch (error) {
        pending = { error };
      }
    }
  } finally {
    // Closed from outside (generator.return()): close every plan still on the stack, innermost first.
    if (!finished) for (const p of planStack.reverse()) p.return(undefined);
  }
}

/**
 * Replace single messages: `proc` returns a new message, the same one, or null to drop it (the plan then
 * receives undefined for it). To insert messages use `planMutator`.
 */
export function* msgMutator<T>(plan: Plan<T>, proc: (m: Msg) => Msg | null): Plan<T> {
  let step = plan.next();
  let finished = false;
  try {
    while (!step.done) {
      const m = proc(step.value);
      let reply: unknown;
      try {
        reply = m === null ? undefined : yield m;
      } catch (error) {
        step = plan.throw(error);
        continue;
      }
      step = plan.next(reply);
    }
    finished = true;
    return step.value;
  } finally {
    if (!finished) plan.return(undefined as T);
  }
}

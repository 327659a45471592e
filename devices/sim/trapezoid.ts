/**
 * The trapezoidal velocity profile of a simulated axis: accelerate to the set velocity, cruise, decelerate.
 * When the move is too short to reach the velocity the profile is a triangle. Pure functions of time, so the
 * motor's position does not drift with timer jitter.
 */

export interface MotionProfile {
  /** Total move time, in seconds. */
  readonly duration: number;
  /** The position `t` seconds after the start (clamped to the move). */
  positionAt(t: number): number;
}

/**
 * @param velocity cruise speed in units/s (> 0)
 * @param accelerationTime seconds to reach `velocity` from rest, as the EPICS motor record's ACCL; 0 means
 * infinite acceleration (a constant-velocity move)
 */
export function trapezoidProfile(start: number, target: number, velocity: number, accelerationTime: number): MotionProfile {
  const distance = Math.abs(target - start);
  const dir = Math.sign(target - start);
  if (distance === 0 || velocity === Infinity) return { duration: 0, positionAt: () => target };
  if (!(accelerationTime > 0)) {
    const duration = distance / velocity;
    return { duration, positionAt: (t) => (t >= duration ? target : start + dir * velocity * Math.max(0, t)) };
  }
  const accel = velocity / accelerationTime;
  let tAcc = accelerationTime;
  let cruise = velocity;
  if (accel * tAcc * tAcc > distance) {
    // Too short to reach the velocity: accelerate half way, decelerate the other half.
    tAcc = Math.sqrt(distance / accel);
    cruise = accel * tAcc;
  }
  const dAcc = 0.5 * accel * tAcc * tAcc;
  const tCruise = (distance - 2 * dAcc) / cruise;
  const duration = 2 * tAcc + tCruise;
  const travelled = (t: number): number => {
    if (t <= 0) return 0;
    if (t >= duration) return distance;
    if (t < tAcc) return 0.5 * accel * t * t;
    if (t < tAcc + tCruise) return dAcc + cruise * (t - tAcc);
    const left = duration - t;
    return distance - 0.5 * accel * left * left;
  };
  return { duration, positionAt: (t) => (t >= duration ? target : start + dir * travelled(t)) };
}

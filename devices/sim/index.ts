export { trapezoidProfile, type MotionProfile } from "./trapezoid.ts";
export { SimMotor, type SimMotorOptions, DEFAULT_SIM_MOTOR_OPTIONS, valueNow } from "./sim_motor.ts";
export {
  SimDetector,
  SimPeakDetector,
  NoiseKind,
  PeakShape,
  peakValue,
  type SimDetectorOptions,
  type SimPeakDetectorOptions,
  DEFAULT_SIM_DETECTOR_OPTIONS,
} from "./sim_detector.ts";
export {
  SimBeamCurrent,
  type SimBeamCurrentOptions,
  DEFAULT_SIM_BEAM_CURRENT_OPTIONS,
  beamCurrentAt,
} from "./sim_beam_current.ts";
export {
  SimCameraWriter,
  CameraAssets,
  RAW_FLOAT32_MIMETYPE,
  RAW_FLOAT32_SPEC,
  readRawFrame,
  type SimCameraWriterOptions,
  DEFAULT_SIM_CAMERA_WRITER_OPTIONS,
} from "./sim_camera_writer.ts";

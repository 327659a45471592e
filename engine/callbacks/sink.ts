/** Where text output goes: process.stdout, a file stream, or a string collector in tests. */
export interface TextSink {
  write(text: string): void;
}

/** An asynchronous key-value store, such as one of Node-RED's context stores. */
export interface AsyncKeyValue {
  /** The value; undefined when the key is not set. */
  get(key: string): Promise<unknown>;
  /** Sets the value; undefined deletes the key. */
  set(key: string, value: unknown): Promise<void>;
  /** Every key set. */
  keys(): Promise<string[]>;
}

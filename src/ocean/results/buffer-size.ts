/**
 * How many bytes a result may queue on its way into a file. Node's default (16 KiB) is below one
 * socket read (64 KiB), so every chunk would pause the download until the disk caught up; with
 * 1 MiB, reading and writing overlap. Measured in bench/gigabyte-results.ts: 4 MiB was slower.
 */
export const STREAM_BUFFER_BYTES = 1024 * 1024;

/**
 * How many bytes a stream between the socket and the file may hold: one socket read. Every byte
 * held there is one more the CPU's cache must keep until the file takes it; with 1 MiB a 1 GiB
 * fetch took 1.5 s instead of 1.05 s (bench/gigabyte-results.ts, a core with 1 MiB of L2).
 */
export const PASS_THROUGH_BYTES = 64 * 1024;

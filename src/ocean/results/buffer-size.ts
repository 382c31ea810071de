/**
 * How many bytes a result may queue on its way into a file. Node's default (16 KiB) is below one
 * socket read (64 KiB), so every chunk would pause the download until the disk caught up; with
 * 1 MiB, reading and writing overlap. Measured in bench/gigabyte-results.ts: 4 MiB was slower.
 */
export const STREAM_BUFFER_BYTES = 1024 * 1024;

/**
 * How many bytes a stream between the socket and the file may hold: one socket read. With 1 MiB
 * there, a 1 GiB fetch to a file took 1.4–1.6 s instead of 1.0–1.1 s (curl: 1.0 s), alternating
 * runs against one sandbox as bench/gigabyte-results.ts sets it up; likely because the bytes wait
 * longer, out of the CPU's cache (1 MiB of L2 on that machine), before the file takes them.
 */
export const PASS_THROUGH_BYTES = 64 * 1024;

/**
 * How many bytes a result may queue in each stream on its way to a file or into memory. Node's
 * default (16 KiB) is below one socket read (64 KiB), so every chunk would pause the download
 * until the disk caught up; with 1 MiB, reading and writing overlap. Measured in
 * bench/gigabyte-results.ts: larger buffers were no faster.
 */
export const STREAM_BUFFER_BYTES = 1024 * 1024;

/**
 * Every scenario `npm run bench` runs, in order: a file `bench/<name>.ts` that ends with
 * `runScenario(module, run)`. Adding one is that file and a line here.
 */
export const SCENARIOS = [
  'requests', // requests per job lifecycle and per poll interval
  'result-memory', // memory while a large result streams to a file
  'gigabyte-results', // a 1 GiB result to a folder and into memory, against curl; text over the string limit refused
  'follow-finals', // 5,000 followed jobs finishing in one poll, through compute-status and compute-start
  'follow-writes', // 5,000 follows one by one: what the job store writes, and what a job takes at rest
  'poll-cost', // what a poll costs with 5,000 old jobs listed: list, by id, and the switch between them
  'lost-jobs', // followed jobs after a wiped user directory
  'redis-store', // the Redis job store with 5,000 jobs: leases, orphan scans, adoption by two survivors, the budget lock
  'load-time', // requiring the node files in a fresh process, and which libraries that loads
  'clock-skew', // signed starts from two hosts on one wallet, clocks 2 s apart
];

import type { Logger } from '../logger';
import type { JobRunner } from './job-runner';
import { MemoryJobRunner } from './memory-job-runner';
import { RedisJobRunner } from './redis-job-runner';

export * from './job-runner';
export { MemoryJobRunner } from './memory-job-runner';
export { RedisJobRunner, type RedisJobRunnerOptions } from './redis-job-runner';

/** BullMQ on Redis when a Redis URL is configured; in process on the embedded default. */
export async function createJobRunner(options: {
  redisUrl?: string;
  prefix: string;
  logger: Logger;
}): Promise<JobRunner> {
  if (!options.redisUrl) return new MemoryJobRunner(options.logger);
  return RedisJobRunner.connect({ url: options.redisUrl, prefix: options.prefix, logger: options.logger });
}

import 'reflect-metadata';
import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { Topics } from '@peak/contracts';
import { CourseChecksController } from './course-checks.controller';

/** The consumer group and topics of each @EventPattern handler of the controller. */
function groupsOf(controller: object): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of Object.getOwnPropertyNames(controller)) {
    const handler = (controller as Record<string, unknown>)[name];
    if (typeof handler !== 'function') continue;
    const patterns = Reflect.getMetadata(PATTERN_METADATA, handler) as string[] | undefined;
    const extras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handler) as { group?: string } | undefined;
    if (!patterns || !extras?.group) continue;
    groups.set(extras.group, [...(groups.get(extras.group) ?? []), ...patterns]);
  }
  return groups;
}

describe(CourseChecksController.name, () => {
  it('reads the rate-limited course checks and the seat confirmations in separate consumer groups', () => {
    // A consumer's fetch cycle waits for every partition's batch: sharing a group with the
    // capacity-limited checks, the confirmations of paid orders waited behind their backlog.
    const groups = [...groupsOf(CourseChecksController.prototype).values()];
    const checks = groups.find((topics) => topics.includes(Topics.OrderCreated));
    const seats = groups.find((topics) => topics.includes(Topics.OrderStatus));
    expect(checks).toEqual([Topics.OrderCreated]);
    expect(seats).toEqual([Topics.OrderStatus]);
  });
});

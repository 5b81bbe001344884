/*
 * Two librdkafka high-level consumers of one group, as a user writes them: each in its own
 * thread, created together, no rebalance callback (librdkafka assigns itself), default
 * session, heartbeat and auto-commit settings, auto.offset.reset=earliest. A producer thread
 * writes to every partition throughout, so every assigned partition must keep delivering.
 * Used by the compatibility suite (issue 10: a partition that stayed at position INVALID).
 *
 * usage: group-threads <bootstrap> <topic> <group> <partitions> <timeout-ms>
 *
 * Done when both members hold an assignment, together they hold every partition, and each
 * member has received at least MIN_SINCE_ASSIGN messages from every partition of its current
 * assignment since it was assigned. A partition that delivers nothing for STALL_MS while
 * assigned is reported as STALL. Prints one line per assignment change, then SUMMARY lines
 * (member, partition, messages since assignment, position) and RESULT ok|timeout.
 * Exit 0 when done, 2 on timeout, 1 on setup errors.
 */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMBERS 2
#define MAX_PARTITIONS 16
#define MIN_SINCE_ASSIGN 5
#define STALL_MS 10000
#define CHECK_EVERY_MS 200

struct member {
  const char *name;
  rd_kafka_t *rk;
  int assigned[MAX_PARTITIONS]; /* 1 while in the current assignment */
  long since_assign[MAX_PARTITIONS];
  long long assigned_at[MAX_PARTITIONS];
  long long last_message_at[MAX_PARTITIONS];
  int stalled[MAX_PARTITIONS];
};

static const char *bootstrap, *topic, *group;
static int partitions;
static long long deadline;
static volatile int stop;
static struct member members[MEMBERS] = {{.name = "member-a"}, {.name = "member-b"}};
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "config %s: %s\n", name, errstr);
    exit(1);
  }
}

static rd_kafka_conf_t *base_conf(const char *client_id) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "client.id", client_id);
  const char *debug = getenv("RDKAFKA_DEBUG");
  if (debug && *debug) set(conf, "debug", debug);
  return conf;
}

/* Must hold lock. True when every member holds an assignment, all partitions are covered and
 * each assigned partition delivered MIN_SINCE_ASSIGN messages since its assignment. */
static int all_flowing(void) {
  int covered = 0;
  for (int m = 0; m < MEMBERS; m++) {
    int held = 0;
    for (int p = 0; p < partitions; p++) {
      if (!members[m].assigned[p]) continue;
      held++;
      covered++;
      if (members[m].since_assign[p] < MIN_SINCE_ASSIGN) return 0;
    }
    if (!held) return 0;
  }
  return covered == partitions;
}

/* Compares librdkafka's current assignment with the recorded one; flags stalls. */
static void check_assignment(struct member *me) {
  rd_kafka_topic_partition_list_t *parts = NULL;
  if (rd_kafka_assignment(me->rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  int now_assigned[MAX_PARTITIONS] = {0};
  for (int i = 0; i < parts->cnt; i++) {
    int p = parts->elems[i].partition;
    if (p >= 0 && p < MAX_PARTITIONS) now_assigned[p] = 1;
  }
  rd_kafka_topic_partition_list_destroy(parts);
  long long now = now_ms();
  pthread_mutex_lock(&lock);
  int changed = 0;
  for (int p = 0; p < partitions; p++) {
    if (now_assigned[p] && !me->assigned[p]) {
      me->since_assign[p] = 0;
      me->assigned_at[p] = now;
      me->last_message_at[p] = now;
    }
    if (now_assigned[p] != me->assigned[p]) changed = 1;
    me->assigned[p] = now_assigned[p];
    if (me->assigned[p] && !me->stalled[p] && now - me->last_message_at[p] > STALL_MS) {
      me->stalled[p] = 1;
      printf("STALL %s partition=%d no message for %d ms while assigned\n", me->name, p, STALL_MS);
    }
  }
  if (changed) {
    printf("%s assignment", me->name);
    for (int p = 0; p < partitions; p++) if (me->assigned[p]) printf(" %d", p);
    printf("\n");
  }
  if (all_flowing()) stop = 1;
  pthread_mutex_unlock(&lock);
  fflush(stdout);
}

static void *consume(void *arg) {
  struct member *me = arg;
  long long next_check = 0;
  while (!stop && now_ms() < deadline) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(me->rk, 100);
    if (m) {
      if (!m->err && m->partition >= 0 && m->partition < partitions) {
        pthread_mutex_lock(&lock);
        if (me->assigned[m->partition]) {
          me->since_assign[m->partition]++;
          me->last_message_at[m->partition] = now_ms();
        }
        pthread_mutex_unlock(&lock);
      }
      rd_kafka_message_destroy(m);
    }
    if (now_ms() >= next_check) {
      next_check = now_ms() + CHECK_EVERY_MS;
      check_assignment(me);
    }
  }
  return NULL;
}

static void *produce(void *arg) {
  rd_kafka_t *rk = arg;
  for (long i = 0; !stop && now_ms() < deadline; i++) {
    char value[32];
    int len = snprintf(value, sizeof(value), "flow-%ld", i);
    for (int p = 0; p < partitions; p++) {
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(p), RD_KAFKA_V_VALUE(value, (size_t)len),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    }
    rd_kafka_poll(rk, 20); /* serves delivery reports; paces the flow at ~50 rounds/s */
  }
  rd_kafka_flush(rk, 2000);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s <bootstrap> <topic> <group> <partitions> <timeout-ms>\n", argv[0]);
    return 1;
  }
  bootstrap = argv[1];
  topic = argv[2];
  group = argv[3];
  partitions = atoi(argv[4]);
  deadline = now_ms() + atoll(argv[5]);
  if (partitions < 1 || partitions > MAX_PARTITIONS) return 1;

  char errstr[512];
  for (int m = 0; m < MEMBERS; m++) {
    rd_kafka_conf_t *conf = base_conf(members[m].name);
    set(conf, "group.id", group);
    set(conf, "auto.offset.reset", "earliest");
    members[m].rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!members[m].rk) {
      fprintf(stderr, "rd_kafka_new: %s\n", errstr);
      return 1;
    }
    rd_kafka_poll_set_consumer(members[m].rk);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(members[m].rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err) {
      fprintf(stderr, "subscribe: %s\n", rd_kafka_err2str(err));
      return 1;
    }
  }
  rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, base_conf("flow-producer"), errstr, sizeof(errstr));
  if (!producer) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }

  pthread_t threads[MEMBERS], producer_thread;
  pthread_create(&producer_thread, NULL, produce, producer);
  for (int m = 0; m < MEMBERS; m++) pthread_create(&threads[m], NULL, consume, &members[m]);
  for (int m = 0; m < MEMBERS; m++) pthread_join(threads[m], NULL);
  stop = 1;
  pthread_join(producer_thread, NULL);

  int ok;
  pthread_mutex_lock(&lock);
  ok = all_flowing();
  pthread_mutex_unlock(&lock);
  for (int m = 0; m < MEMBERS; m++) {
    rd_kafka_topic_partition_list_t *parts = NULL;
    if (rd_kafka_assignment(members[m].rk, &parts) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_position(members[m].rk, parts);
      for (int i = 0; i < parts->cnt; i++) {
        int p = parts->elems[i].partition;
        printf("SUMMARY member=%s partition=%d since_assign=%ld position=%lld\n", members[m].name, p,
               p >= 0 && p < MAX_PARTITIONS ? members[m].since_assign[p] : -1L, (long long)parts->elems[i].offset);
      }
      rd_kafka_topic_partition_list_destroy(parts);
    }
  }
  printf("RESULT %s\n", ok ? "ok" : "timeout");
  fflush(stdout);
  for (int m = 0; m < MEMBERS; m++) {
    rd_kafka_consumer_close(members[m].rk);
    rd_kafka_destroy(members[m].rk);
  }
  rd_kafka_destroy(producer);
  return ok ? 0 : 2;
}

/*
 * Two librdkafka high-level consumers in one group, polled from one thread so both stay
 * members for the whole run (kcat -G cannot hold two). Used by the compatibility suite.
 *
 * usage: group-two-members <bootstrap> <topic> <group> <expected-per-partition> <partitions> <timeout-ms>
 *
 * Consumer A joins first; once A holds an assignment, B joins, forcing a rebalance. Both are
 * polled until every partition delivered <expected-per-partition> distinct offsets to its
 * current owner (counts restart at each assignment: nothing is committed, so a new owner
 * reads from the earliest offset again) or the timeout passes. Prints one line per event (assign/revoke) and a final summary line:
 *   SUMMARY partition=<p> distinct=<n> position=<pos of its owner>
 * Exit 0 when every partition delivered everything, 2 on timeout, 1 on setup errors.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PARTITIONS 16
#define MAX_OFFSETS 4096

static unsigned char seen[MAX_PARTITIONS][MAX_OFFSETS];
static int distinct[MAX_PARTITIONS];

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_parts(const char *who, const char *what, const rd_kafka_topic_partition_list_t *parts) {
  printf("%s %s", who, what);
  for (int i = 0; i < parts->cnt; i++) printf(" %d", parts->elems[i].partition);
  printf("\n");
  fflush(stdout);
}

static int cooperative(rd_kafka_t *rk) {
  return strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
}

static void rd_kafka_error_destroy_if(rd_kafka_error_t *error) {
  if (!error) return;
  fprintf(stderr, "incremental (un)assign: %s\n", rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
}

static void rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts, void *opaque) {
  const char *who = (const char *)opaque;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    print_parts(who, "assigned", parts);
    /* Nothing is committed, so a new owner starts again at the earliest offset: count anew. */
    for (int i = 0; i < parts->cnt; i++) {
      int p = parts->elems[i].partition;
      if (p >= 0 && p < MAX_PARTITIONS) {
        memset(seen[p], 0, sizeof(seen[p]));
        distinct[p] = 0;
      }
    }
    if (cooperative(rk)) rd_kafka_error_destroy_if(rd_kafka_incremental_assign(rk, parts));
    else rd_kafka_assign(rk, parts);
  } else {
    print_parts(who, "revoked", parts);
    if (cooperative(rk)) rd_kafka_error_destroy_if(rd_kafka_incremental_unassign(rk, parts));
    else rd_kafka_assign(rk, NULL);
  }
}

static rd_kafka_t *consumer(const char *bootstrap, const char *group, const char *topic, const char *who) {
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  const char *settings[][2] = {
    {"bootstrap.servers", bootstrap}, {"group.id", group}, {"client.id", who},
    {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"},
    {"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "300"},
    {"fetch.wait.max.ms", "100"}, {"topic.metadata.refresh.interval.ms", "1000"},
  };
  for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
    if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      fprintf(stderr, "config %s: %s\n", settings[i][0], errstr);
      exit(1);
    }
  }
  /* Extra settings: RDKAFKA_CONF="name=value,name=value" (overrides the ones above). */
  const char *extra = getenv("RDKAFKA_CONF");
  if (extra && *extra) {
    char *copy = strdup(extra), *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
      char *eq = strchr(kv, '=');
      if (!eq) continue;
      *eq = '\0';
      if (rd_kafka_conf_set(conf, kv, eq + 1, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "config %s: %s\n", kv, errstr);
        exit(1);
      }
    }
    free(copy);
  }
  const char *debug = getenv("RDKAFKA_DEBUG");
  if (debug && *debug) rd_kafka_conf_set(conf, "debug", debug, errstr, sizeof(errstr));
  rd_kafka_conf_set_rebalance_cb(conf, rebalance);
  rd_kafka_conf_set_opaque(conf, (void *)who);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    exit(1);
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) {
    fprintf(stderr, "subscribe: %s\n", rd_kafka_err2str(err));
    exit(1);
  }
  return rk;
}

/** Polls once; returns 1 when a message arrived. */
static int poll_one(rd_kafka_t *rk, int timeout_ms) {
  rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, timeout_ms);
  if (!m) return 0;
  if (!m->err && m->partition >= 0 && m->partition < MAX_PARTITIONS && m->offset >= 0 && m->offset < MAX_OFFSETS) {
    if (!seen[m->partition][m->offset]) {
      seen[m->partition][m->offset] = 1;
      distinct[m->partition]++;
    }
  }
  rd_kafka_message_destroy(m);
  return 1;
}

static int has_assignment(rd_kafka_t *rk) {
  rd_kafka_topic_partition_list_t *parts = NULL;
  if (rd_kafka_assignment(rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  int n = parts->cnt;
  rd_kafka_topic_partition_list_destroy(parts);
  return n > 0;
}

static void print_positions(rd_kafka_t *rk, const char *who) {
  rd_kafka_topic_partition_list_t *parts = NULL;
  if (rd_kafka_assignment(rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  rd_kafka_position(rk, parts);
  for (int i = 0; i < parts->cnt; i++) printf("POSITION %s partition=%d position=%lld\n", who, parts->elems[i].partition, (long long)parts->elems[i].offset);
  rd_kafka_topic_partition_list_destroy(parts);
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s <bootstrap> <topic> <group> <expected-per-partition> <partitions> <timeout-ms>\n", argv[0]);
    return 1;
  }
  const char *bootstrap = argv[1], *topic = argv[2], *group = argv[3];
  int expected = atoi(argv[4]), partitions = atoi(argv[5]);
  long long deadline = now_ms() + atoll(argv[6]);
  if (partitions < 1 || partitions > MAX_PARTITIONS || expected < 1 || expected > MAX_OFFSETS) return 1;

  rd_kafka_t *a = consumer(bootstrap, group, topic, "member-a");
  const char *together = getenv("GROUP_JOIN_TOGETHER");
  rd_kafka_t *b = together && *together == '1' ? consumer(bootstrap, group, topic, "member-b") : NULL;
  int done = 0;
  while (!done && now_ms() < deadline) {
    poll_one(a, 20);
    if (!b && has_assignment(a)) b = consumer(bootstrap, group, topic, "member-b");
    if (b) poll_one(b, 20);
    done = 1;
    for (int p = 0; p < partitions; p++) if (distinct[p] < expected) done = 0;
  }
  print_positions(a, "member-a");
  if (b) print_positions(b, "member-b");
  for (int p = 0; p < partitions; p++) printf("SUMMARY partition=%d distinct=%d\n", p, distinct[p]);
  fflush(stdout);
  rd_kafka_consumer_close(a);
  rd_kafka_destroy(a);
  if (b) {
    rd_kafka_consumer_close(b);
    rd_kafka_destroy(b);
  }
  return done ? 0 : 2;
}

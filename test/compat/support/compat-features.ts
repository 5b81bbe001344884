/** The scenarios every client runs, in table order, with their names in both languages. */
export const COMPAT_FEATURES = [
  { id: 'produce-keyed-headers-acks-all', en: 'Keyed produce with headers, acks=all', zh: '带键和消息头的生产，acks=all' },
  { id: 'idempotent-producer', en: 'Idempotent producer', zh: '幂等生产者' },
  { id: 'group-rebalance-while-flowing', en: 'Group of two, rebalance while data flows', zh: '两个成员的消费组，数据流动中再平衡' },
  { id: 'commit-restart-resume', en: 'Commit, restart, resume (no loss, no replay past the commit)', zh: '提交、重启、续读（不丢失，不重读已提交部分）' },
  { id: 'seek', en: 'Seek', zh: 'Seek（跳转位置）' },
  { id: 'list-offsets', en: 'List offsets (earliest, latest, by timestamp)', zh: '查询位移（最早、最新、按时间戳）' },
  { id: 'create-delete-topics', en: 'Create and delete topics', zh: '创建与删除主题' },
  { id: 'describe-groups', en: 'Describe groups', zh: '描述消费组' },
  { id: 'long-poll-wakeup', en: 'Long-poll wake-up', zh: '长轮询被新消息唤醒' },
  { id: 'transactions', en: 'Transactions', zh: '事务' },
] as const;

export type CompatFeatureId = (typeof COMPAT_FEATURES)[number]['id'];

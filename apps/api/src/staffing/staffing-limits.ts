/**
 * Size caps of the staffing and simulation endpoints, so that one request cannot tie up the server.
 * The horizon and the simulator run in worker threads (`staffing-worker-pool.ts`), never on the
 * event loop that serves routing; these caps bound how long one of them can hold a thread, and the
 * time limit stops whatever still overruns. The DTO descriptions quote these numbers; the use cases
 * enforce the cross-field ones with a 422 naming the field.
 */
export const STAFFING_LIMITS = {
  /** Interval length, minutes. */
  maxIntervalMinutes: 1440,
  /** Contacts in one interval. */
  maxVolume: 100_000,
  /** Handle time and patience, seconds (one day). */
  maxSeconds: 86_400,
  /** Target threshold, seconds (30 days: email deadlines in business seconds). */
  maxTargetSeconds: 2_592_000,
  /** Offered load of one interval, volume × AHT / interval seconds, in Erlangs. */
  maxOfferedLoad: 5_000,
  /** Horizon: queues per request. */
  maxHorizonQueues: 50,
  /** Horizon: intervals per queue (four weeks of 15-minute intervals). */
  maxHorizonIntervals: 2_688,
  /** Horizon: queues × intervals in one request (two weeks × 3 channels × 10 queues of 15 minutes). */
  maxHorizonItems: 40_320,
  /**
   * Horizon: work budget of the Erlang A queues (phone with patience), whose exact method costs
   * about 1–25 ms per distinct (volume, AHT) interval growing with the load: Σ over distinct intervals
   * of max(1, load)^0.75 / 20 (e.g. 4,000 distinct intervals of 30 Erlangs ≈ 2,500).
   */
  maxErlangAWork: 3_000,
  /** Simulation: intervals in the window. */
  maxSimulationIntervals: 1_000,
  /** Simulation: queues. */
  maxSimulationQueues: 30,
  /** Simulation: agents, explicit ones plus those expanded from counts. */
  maxSimulationAgents: 1_000,
  /** Simulation: expected contacts, the sum of all queues' volumes. */
  maxSimulationContacts: 100_000,
  /** Simulation: expected contacts × agents (the simulator's work grows with both). */
  maxSimulationWork: 2_000_000,
  /** Horizon: blended pools per request. */
  maxHorizonPools: 20,
  /** Worker threads for horizons and simulations (fewer on a machine with fewer spare cores). */
  maxWorkerThreads: 2,
  /** Tasks that may wait for a worker thread; beyond that the API answers 429. */
  maxQueuedTasks: 8,
  /** Time limit of one horizon or simulation, waiting included, seconds (also the largest a request may ask for). */
  taskTimeoutSeconds: 30,
  /** The smallest time limit a simulation request may ask for, seconds. */
  minTaskTimeoutSeconds: 0.05,
} as const;

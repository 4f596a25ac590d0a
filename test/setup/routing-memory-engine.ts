/** The jest project `routing-memory`: the routing specs run again with ROUTING_ENGINE=memory (see testConfig). */
process.env.TEST_ROUTING_ENGINE = 'memory';

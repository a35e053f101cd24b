-- The simulated WhatsApp network keeps its own file now (<data dir>/sim.db,
-- crates/sim): its tables leave the production database. What a simulation
-- held (linked test devices, undelivered test messages) is not carried
-- over; a simulated tenant scans again.
DROP TABLE sim_outbound;
DROP TABLE sim_inbound;
DROP TABLE sim_device;

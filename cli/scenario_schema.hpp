// The sections of a scenario file, declared with the building blocks of
// cli/schema.hpp: the top level and its sections (cli/scenario_schema.cpp), the scripted events
// (cli/event_schema.cpp) and the expectations (cli/expectation_schema.cpp).
#pragma once

#include "cli/schema.hpp"

namespace ckptsim::cli::schema {

// The top level: every other section is reached from it.
const Section<model::Scenario>& scenario_schema();
// One entry of `events`: `at` and exactly one kind, one per alternative of ScriptedEvent::what.
const Section<model::ScriptedEvent>& event_schema();
// One entry of `expect`: a metric or a checkpoint expectation.
const Section<analysis::Expectation>& expectation_schema();

// Load events name an operator: it must exist, `rate` only on a source, the subtask in range.
// Run once the whole file has read without errors.
void check_load_events(Context& c, const model::Scenario& sc);

}  // namespace ckptsim::cli::schema

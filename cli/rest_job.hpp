// A saved `GET /jobs/:jobid` response (vertices with name and parallelism, and the plan whose
// nodes list their inputs with a ship_strategy), or `GET /jobs/:jobid/plan` ({"plan": ...}),
// read into the job's vertices and edges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ckptsim::cli::rest {

struct RestInput {
  std::string from;           // vertex id
  std::string ship_strategy;  // FORWARD, HASH, REBALANCE, RESCALE, BROADCAST, GLOBAL, ...
  std::string path;           // JSON path of the input, for comments
};

struct RestVertex {
  std::string id;
  std::string name;  // as Flink names the chain ("Source: Kafka -> Map"), HTML entities decoded
  int64_t parallelism = 1;
  std::vector<RestInput> inputs;
  std::string path;  // JSON path of the vertex (or plan node), for comments
  // metrics.write-bytes and the vertex's running time (ms) from /jobs/:jobid, when given.
  std::optional<int64_t> write_bytes, duration_ms;
};

struct RestJob {
  std::string file;
  std::string jid, name;
  std::string endpoint;  // "GET /jobs/:jobid" or "GET /jobs/:jobid/plan"
  std::vector<RestVertex> vertices;  // in a topological order (sources first), else as listed
};

// Throws RestError naming the file and JSON path at fault: a wrong type, an input naming a
// vertex that is not there, a duplicate vertex id, or a cycle.
RestJob read_job(const std::string& text, const std::string& file);

}  // namespace ckptsim::cli::rest

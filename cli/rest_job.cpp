#include "cli/rest_job.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "cli/rest_json.hpp"

namespace ckptsim::cli::rest {

namespace {

constexpr int64_t kMax = INT64_MAX;

// Plan descriptions are HTML ("Keyed Aggregation -&gt; Sink", "Source<br/>+- Map"): decoded to
// the text Flink's web UI shows, on one line.
std::string plain_name(const std::string& html) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"<br/>", " "}, {"<br>", " "}, {"&gt;", ">"}, {"&lt;", "<"}, {"&quot;", "\""},
      {"&#39;", "'"}, {"&amp;", "&"}};
  std::string out;
  for (size_t i = 0; i < html.size();) {
    bool replaced = false;
    for (const auto& [from, to] : kEntities)
      if (html.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        replaced = true;
        break;
      }
    if (replaced) continue;
    const char c = html[i++];
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  std::string collapsed;
  for (char c : out)
    if (c != ' ' || (!collapsed.empty() && collapsed.back() != ' ')) collapsed += c;
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

std::optional<std::string> optional_string(const Field& f, const char* key) {
  if (auto v = f.find(key)) return v->string();
  return std::nullopt;
}

void read_inputs(const Field& node, RestVertex& v) {
  auto inputs = node.find("inputs");
  if (!inputs) return;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const Field in = inputs->at(i);
    in.expect_object();
    RestInput input;
    input.from = in.at("id").string();
    input.ship_strategy = in.at("ship_strategy").string();
    input.path = in.path();
    if (auto n = in.find("num")) n->integer(0, kMax);
    v.inputs.push_back(std::move(input));
  }
}

// The vertices in a topological order, stable (among the ready ones, the first in the response
// comes first: sources lead). Kahn's algorithm; a vertex left over lies on a cycle.
std::vector<RestVertex> topological(const RestJob& job, const Field& at) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < job.vertices.size(); ++i) index[job.vertices[i].id] = i;
  std::vector<size_t> pending(job.vertices.size());
  std::vector<std::vector<size_t>> out(job.vertices.size());
  for (size_t i = 0; i < job.vertices.size(); ++i)
    for (const RestInput& in : job.vertices[i].inputs) {
      ++pending[i];
      out[index.at(in.from)].push_back(i);
    }
  std::set<size_t> ready;
  for (size_t i = 0; i < pending.size(); ++i)
    if (pending[i] == 0) ready.insert(i);
  std::vector<RestVertex> order;
  while (!ready.empty()) {
    const size_t v = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(job.vertices[v]);
    for (size_t w : out[v])
      if (--pending[w] == 0) ready.insert(w);
  }
  if (order.size() < job.vertices.size())
    for (size_t i = 0; i < pending.size(); ++i)
      if (pending[i] > 0)
        at.fail(fmt::format("the inputs form a cycle through vertex {} ('{}'): a job graph is a DAG",
                            job.vertices[i].id, job.vertices[i].name));
  return order;
}

}  // namespace

RestJob read_job(const std::string& text, const std::string& file) {
  const nlohmann::json doc = parse_response(text, file, "GET /jobs/:jobid");
  const Field r = root(doc, file);
  RestJob job;
  job.file = file;
  const auto vertices = r.find("vertices");
  if (!vertices && !r.find("plan"))
    r.fail("expected the response of GET /jobs/:jobid (with vertices and plan) or of "
           "GET /jobs/:jobid/plan; it has neither 'vertices' nor 'plan'");
  job.endpoint = vertices ? "GET /jobs/:jobid" : "GET /jobs/:jobid/plan";
  if (auto v = optional_string(r, "jid")) job.jid = *v;
  if (auto v = optional_string(r, "name")) job.name = *v;
  const Field plan = r.at("plan");
  if (job.jid.empty())
    if (auto v = optional_string(plan, "jid")) job.jid = *v;
  if (job.name.empty())
    if (auto v = optional_string(plan, "name")) job.name = *v;
  const Field nodes = plan.at("nodes");

  std::map<std::string, size_t> node_of;  // plan node id -> index in nodes
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Field n = nodes.at(i);
    n.expect_object();
    const std::string id = n.at("id").string();
    if (!node_of.emplace(id, i).second) n.at("id").fail(fmt::format("vertex {} appears twice", id));
  }
  if (vertices) {
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < vertices->size(); ++i) {
      const Field vf = vertices->at(i);
      vf.expect_object();
      RestVertex v;
      v.id = vf.at("id").string();
      if (!seen.emplace(v.id, i).second) vf.at("id").fail(fmt::format("vertex {} appears twice", v.id));
      v.name = plain_name(vf.at("name").string());
      v.parallelism = vf.at("parallelism").integer(1, INT32_MAX);
      v.path = vf.path();
      if (auto d = vf.find("duration")) v.duration_ms = d->integer(-1, kMax);
      if (auto m = vf.find("metrics"))
        if (auto wb = m->find("write-bytes")) v.write_bytes = wb->integer(0, kMax);
      auto it = node_of.find(v.id);
      if (it == node_of.end())
        nodes.fail(fmt::format("no plan node for vertex {} ({})", v.id, vf.path()));
      read_inputs(nodes.at(it->second), v);
      job.vertices.push_back(std::move(v));
    }
    for (const auto& [id, i] : node_of)
      if (!seen.count(id)) nodes.at(i).fail(fmt::format("plan node {} is not among the vertices", id));
  } else {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Field n = nodes.at(i);
      RestVertex v;
      v.id = n.at("id").string();
      v.name = plain_name(optional_string(n, "description").value_or(v.id));
      v.parallelism = n.at("parallelism").integer(1, INT32_MAX);
      v.path = n.path();
      read_inputs(n, v);
      job.vertices.push_back(std::move(v));
    }
  }
  for (const RestVertex& v : job.vertices)
    for (const RestInput& in : v.inputs)
      if (!node_of.count(in.from))
        Field(doc, file, in.path + ".id").fail(fmt::format("no vertex {} in this job", in.from));
  job.vertices = topological(job, nodes);
  return job;
}

}  // namespace ckptsim::cli::rest

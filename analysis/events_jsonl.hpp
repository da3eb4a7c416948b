// events.jsonl: every domain event, in order, one JSON object per line:
//   {"at": <ms>, "type": "<type_name>", ...the struct's fields in snake_case}
// Times in ms (exact), sizes in bytes, enums by name; -1 sentinels and unknown values are null.
#pragma once

#include <ostream>
#include <string>

#include "model/events.hpp"

namespace ckptsim::analysis {

// One event as one JSON line (no newline).
std::string event_json(const model::DomainEvent& e);

class EventsJsonlWriter : public model::Observer {
 public:
  explicit EventsJsonlWriter(std::ostream& out) : out_(out) {}
  ~EventsJsonlWriter() override { flush(); }
  void on_event(const model::DomainEvent& e) override;
  void flush();

 private:
  std::ostream& out_;
  std::string buf_;
};

}  // namespace ckptsim::analysis

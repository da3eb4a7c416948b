// `ckptsim calibrate`: the fit recovers a known truth from responses built from it, the written
// scenario validates and replays the history within the targets, and every guess is stated.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/expectations.hpp"
#include "cli/calibrated_graph.hpp"
#include "cli/calibrated_yaml.hpp"
#include "cli/calibration.hpp"
#include "cli/calibration_replay.hpp"
#include "cli/loader.hpp"
#include "cli/rest_json.hpp"
#include "sim/rng.hpp"

using namespace ckptsim;
using namespace ckptsim::cli;

namespace {

const std::string kData = std::string(CKPTSIM_SOURCE_DIR) + "/tests/data/rest/";

// A history built from a truth: end_to_end_duration = latency + checkpointed_size / bandwidth +
// noise, in whole milliseconds as Flink reports them; state_size ten times the upload.
struct Truth {
  double bandwidth = 80e6;  // bytes/s
  int64_t latency_ms = 1500;
  int64_t interval_ms = 60000;
  int64_t subtasks = 4;
  std::vector<int64_t> sizes;     // checkpointed_size of each checkpoint
  std::vector<double> noise_ms;   // added to each duration (empty: none)
};

int64_t duration_ms(const Truth& t, size_t k) {
  const double d = static_cast<double>(t.latency_ms) + static_cast<double>(t.sizes[k]) / t.bandwidth * 1000 +
                   (k < t.noise_ms.size() ? t.noise_ms[k] : 0.0);
  return std::llround(d);
}

std::string history_json(const Truth& t) {
  std::string entries;
  for (size_t k = 0; k < t.sizes.size(); ++k) {
    const int64_t trigger = 1700000000000 + static_cast<int64_t>(k) * t.interval_ms + static_cast<int64_t>(k % 3);
    const int64_t d = duration_ms(t, k);
    entries += fmt::format(
        "{}{{\"className\": \"completed\", \"id\": {}, \"status\": \"COMPLETED\", \"is_savepoint\": false, "
        "\"trigger_timestamp\": {}, \"latest_ack_timestamp\": {}, \"checkpointed_size\": {}, \"state_size\": {}, "
        "\"end_to_end_duration\": {}, \"num_subtasks\": {}, \"num_acknowledged_subtasks\": {}, "
        "\"checkpoint_type\": \"CHECKPOINT\", \"tasks\": {{}}}}",
        k ? "," : "", 100 + k, trigger, trigger + d, t.sizes[k], 10 * t.sizes[k], d, t.subtasks, t.subtasks);
  }
  return fmt::format("{{\"counts\": {{\"restored\": 0, \"total\": {0}, \"in_progress\": 0, \"completed\": {0}, "
                     "\"failed\": 0}}, \"history\": [{1}]}}",
                     t.sizes.size(), entries);
}

CalibrationInputs inputs(const Truth& t) {
  CalibrationInputs in;
  in.checkpoints = rest::read_checkpoints(history_json(t), "truth.json");
  return in;
}

LoadedScenario load(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "calibrated.yaml", {});
  if (auto* errors = std::get_if<std::vector<ScenarioError>>(&r)) {
    for (const auto& e : *errors) MESSAGE(e.format());
    FAIL("the written scenario does not load");
  }
  return std::move(std::get<LoadedScenario>(r));
}

double relative(double a, double b) { return std::fabs(a - b) / b; }

}  // namespace

TEST_CASE("the fit recovers bandwidth and latency from an exact history") {
  Truth t;
  for (int64_t k = 0; k < 12; ++k) t.sizes.push_back(1'000'000'000 * (1 + (k * 7) % 12));
  const Calibration cal = calibrate(inputs(t));
  CHECK(relative(cal.bandwidth.value, t.bandwidth) < 0.005);
  CHECK(relative(static_cast<double>(cal.latency.value), 1.5e6) < 0.01);
  CHECK_FALSE(cal.jitter);  // durations on the line up to Flink's millisecond rounding
  CHECK(cal.latency.note.find("negligible") != std::string::npos);
  // The median spacing of the triggers (60000 ms plus Flink's scheduling drift of 0-2 ms), to
  // three significant digits.
  CHECK(cal.interval.value == 60 * sim::kSecond);
}

TEST_CASE("the fit recovers bandwidth and latency within 5% through noise and an outlier") {
  Truth t;
  t.bandwidth = 120e6;
  t.latency_ms = 5000;
  for (int64_t k = 0; k < 15; ++k) {
    t.sizes.push_back(2'000'000'000 + 1'200'000'000 * ((k * 4) % 15));
    t.noise_ms.push_back(10.0 * static_cast<double>((k * 37) % 9 - 4));  // -40..+40 ms
  }
  t.noise_ms[6] += 2.0 * static_cast<double>(duration_ms(t, 6));  // one checkpoint three times as slow
  const Calibration cal = calibrate(inputs(t));
  CHECK(relative(cal.bandwidth.value, t.bandwidth) < 0.05);
  CHECK(relative(static_cast<double>(cal.latency.value), 5e6) < 0.05);
  // The rule the robust line exists for: least squares through the same points is far off.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(t.sizes.size());
  for (size_t k = 0; k < t.sizes.size(); ++k) {
    const double x = static_cast<double>(t.sizes[k]), y = static_cast<double>(duration_ms(t, k));
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double ols_bandwidth = 1000 / ((n * sxy - sx * sy) / (n * sxx - sx * sx));
  CHECK(relative(ols_bandwidth, t.bandwidth) > 0.05);
}

TEST_CASE("subtask details move sync phase and start delay out of the storage latency") {
  Truth t;
  for (int64_t k = 0; k < 8; ++k) t.sizes.push_back(500'000'000 * (1 + k));
  CalibrationInputs in = inputs(t);
  // Four subtasks with sync 100/120/140/160 ms and start delay 8/10/12/14 ms: medians 130 and 11.
  std::string subs;
  for (int i = 0; i < 4; ++i)
    subs += fmt::format("{}{{\"index\": {}, \"status\": \"completed\", \"ack_timestamp\": 1, "
                        "\"end_to_end_duration\": 1000, \"checkpointed_size\": 250000000, \"state_size\": "
                        "2500000000, \"checkpoint\": {{\"sync\": {}, \"async\": 800}}, \"alignment\": "
                        "{{\"duration\": {}}}, \"start_delay\": {}}}",
                        i ? "," : "", i, 100 + 20 * i, 3 * i, 8 + 2 * i);
  const std::string text =
      "{\"id\": 103, \"status\": \"COMPLETED\", \"num_subtasks\": 4, \"subtasks\": [" + subs + "]}";
  in.subtasks.push_back({rest::read_subtask_details(text, "subtasks.json"), ""});
  const Calibration cal = calibrate(in);
  CHECK(cal.trigger_latency.value == 11 * sim::kMillisecond);
  REQUIRE(cal.operators.size() == 2);  // the fallback: a source and one stateful operator
  CHECK(cal.operators[1].sync_phase.value == 130 * sim::kMillisecond);
  REQUIRE(cal.fit);
  // The intercept less both, to the three significant digits the file holds.
  CHECK(cal.latency.value == std::llround(three_significant(cal.fit->intercept - 11000 - 130000)));
  CHECK(cal.latency.note.find("trigger_latency 11.0 ms") != std::string::npos);
  CHECK(cal.trigger_latency.note.find("the median alignment (4.50 ms) is not modelled as such") != std::string::npos);
  // The uploads are incremental: a tenth of the state (checkpointed_size / state_size).
  CHECK(cal.operators[1].incremental.value == doctest::Approx(0.1));
}

TEST_CASE("the replay reproduces a noisy history within the targets, with a job graph") {
  Truth t;
  t.bandwidth = 60e6;
  t.latency_ms = 2000;
  t.interval_ms = 5 * 60000;
  t.subtasks = 8;
  sim::RandomStream rng(42, 0, "test/history");
  for (int k = 0; k < 10; ++k) {
    t.sizes.push_back(std::llround(rng.uniform(3e9, 9e9)));
    const double clean = static_cast<double>(t.latency_ms) + static_cast<double>(t.sizes.back()) / t.bandwidth * 1000;
    t.noise_ms.push_back(clean * (rng.lognormal(1.0, 0.1) - 1.0));  // about 10% multiplicative
  }
  CalibrationInputs in = inputs(t);
  const std::string plan =
      "{\"plan\": {\"jid\": \"j\", \"name\": \"noisy\", \"nodes\": ["
      "{\"id\": \"b\", \"parallelism\": 6, \"description\": \"Window(Tumbling) -&gt; Sink\", \"inputs\": "
      "[{\"num\": 0, \"id\": \"a\", \"ship_strategy\": \"HASH\"}]},"
      "{\"id\": \"a\", \"parallelism\": 2, \"description\": \"Source: Kafka\"}]}}";
  in.job = rest::read_job(plan, "plan.json");
  const Calibration cal = calibrate(in);
  REQUIRE(cal.operators.size() == 2);
  CHECK(cal.operators[0].name == "source-kafka");
  CHECK(cal.operators[1].name == "window");
  CHECK(cal.operators[0].state_mean == 0.0);  // the state is guessed on the HASH-fed vertex
  CHECK(cal.operators[1].state_mean > 0.0);
  CHECK(cal.operators[1].state_cv > 0.0);  // the sizes vary, so they are drawn
  const LoadedScenario s = load(calibrated_yaml(cal, {}));
  const auto runs = run_replay(s.scenario);
  const Replay replay = compare_replay(cal, runs);
  CHECK(replay.observed.triggered == 10);
  CHECK(replay.simulated.triggered == 10);
  CHECK(replay.simulated.completed == 10);
  REQUIRE(replay.p50_error);
  REQUIRE(replay.p90_error);
  CHECK(std::fabs(*replay.p50_error) <= 0.15);
  CHECK(std::fabs(*replay.p90_error) <= 0.30);
  // The expectations the replay wrote hold for its first run.
  const LoadedScenario with = load(calibrated_yaml(cal, replay.expect_lines));
  CHECK(with.expectations.size() == 13);  // completed, expired, failovers and the 10 checkpoints
  CHECK(analysis::all_passed(analysis::check_expectations(*runs.front(), with.expectations)));
}

TEST_CASE("residual noise above Flink's rounding becomes a per-upload jitter") {
  Truth t;
  t.latency_ms = 3000;
  // Delays of 0..2.75 s that do not grow with the size (else the line would take them in).
  const double delay_ms[] = {0, 2000, 500, 2750, 250, 1500, 1000, 2250, 750, 1750, 1250, 500};
  for (int64_t k = 0; k < 12; ++k) {
    t.sizes.push_back(1'000'000'000 + 400'000'000 * ((k * 5) % 12));
    t.noise_ms.push_back(delay_ms[k]);
  }
  const Calibration cal = calibrate(inputs(t));
  REQUIRE(cal.jitter);
  CHECK(cal.jitter->value.first > 0);
  CHECK(cal.jitter->note.find("per upload, from the residuals") != std::string::npos);
  const LoadedScenario s = load(calibrated_yaml(cal, {}));
  REQUIRE(s.scenario.storage.jitter);
  const Replay replay = compare_replay(cal, run_replay(s.scenario));
  CHECK(std::fabs(*replay.p50_error) <= 0.15);
  CHECK(std::fabs(*replay.p90_error) <= 0.30);
}

TEST_CASE("every real response shape makes a scenario that validates, and states its guesses") {
  struct Case {
    const char* checkpoints;
    const char* config;
    const char* job;
    const char* guess;  // a guess the file must state
  };
  const Case cases[] = {
      {"checkpoints-1.9.json", "config-1.9.json", "plan-1.9.json", "not identifiable"},
      {"checkpoints-1.13-one-entry.json", nullptr, nullptr, "a history of one checkpoint gives no spacing"},
      {"checkpoints-1.13-one-entry.json", "config-1.16-periodic-off.json", "job-1.16-chained.json",
       "says periodic checkpointing is off"},
      {"checkpoints-1.13-oss.json", nullptr, "job-1.10-sql.json", "no --config"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.checkpoints);
    CalibrationInputs in;
    const std::string cps = kData + c.checkpoints;
    in.checkpoints = rest::read_checkpoints(rest::read_file(cps), cps);
    if (c.config) in.config = rest::read_checkpoint_config(rest::read_file(kData + c.config), c.config);
    if (c.job) in.job = rest::read_job(rest::read_file(kData + c.job), c.job);
    const Calibration cal = calibrate(in);
    std::string all;
    for (const auto& g : cal.guesses) all += g + "\n";
    CHECK(all.find(c.guess) != std::string::npos);
    const std::string yaml = calibrated_yaml(cal, {});
    const LoadedScenario s = load(yaml);
    const auto runs = run_replay(s.scenario);
    const Replay replay = compare_replay(cal, runs);
    const std::string final = calibrated_yaml(cal, replay.expect_lines);
    const LoadedScenario with = load(final);
    CHECK(analysis::all_passed(analysis::check_expectations(*runs.front(), with.expectations)));
    // Same inputs, the same bytes.
    CHECK(calibrated_yaml(calibrate(in), compare_replay(cal, run_replay(s.scenario)).expect_lines) == final);
  }
}

TEST_CASE("one checkpoint in the history: a stated default interval, on stderr and in the file") {
  CalibrationInputs in;
  const std::string cps = kData + "checkpoints-1.13-one-entry.json";
  in.checkpoints = rest::read_checkpoints(rest::read_file(cps), cps);
  const Calibration cal = calibrate(in);
  CHECK(cal.interval.value == sim::kMinute);
  REQUIRE_FALSE(cal.guesses.empty());
  const std::string yaml = calibrated_yaml(cal, {});
  CHECK(yaml.find("# guess: no --config and a history of one checkpoint gives no spacing: a default of 1 min") !=
        std::string::npos);
  CHECK(yaml.find("interval: 1min") != std::string::npos);
  CHECK(yaml.find("timeout: 10min  # guess: no --config; Flink's default 10 min") != std::string::npos);
}

TEST_CASE("subtask details split the state by operator; the rest goes where keyed state lives") {
  Truth t;
  t.subtasks = 8;
  for (int64_t k = 0; k < 6; ++k) t.sizes.push_back(1'000'000'000);  // constant: no draws
  CalibrationInputs in = inputs(t);
  in.job = rest::read_job(
      "{\"plan\": {\"nodes\": [{\"id\": \"0123456789abcdef0123456789abcdef\", \"parallelism\": 2, \"description\": "
      "\"Source: Kafka\"}, {\"id\": \"k\", \"parallelism\": 4, \"description\": \"KeyedProcess\", \"inputs\": "
      "[{\"id\": \"0123456789abcdef0123456789abcdef\", \"ship_strategy\": \"HASH\"}]}, {\"id\": \"s\", "
      "\"parallelism\": 2, \"description\": \"Sink: Print\", \"inputs\": [{\"id\": \"k\", \"ship_strategy\": "
      "\"FORWARD\"}]}]}}",
      "plan.json");
  // The source's details for checkpoint 102: 2 x 50 MB of 1 GB, i.e. 10% of the upload, uploaded
  // whole (checkpointed_size == state_size). The vertex id is in the file name.
  const std::string sub = "{{\"index\": {}, \"status\": \"completed\", \"ack_timestamp\": 1, \"end_to_end_duration\": 9, "
                          "\"checkpointed_size\": 50000000, \"state_size\": 50000000, \"checkpoint\": {{\"sync\": 1, "
                          "\"async\": 8}}, \"alignment\": {{\"duration\": 0}}, \"start_delay\": 2}}";
  const std::string text = "{\"id\": 102, \"num_subtasks\": 2, \"subtasks\": [" + fmt::format(fmt::runtime(sub), 0) + "," +
                           fmt::format(fmt::runtime(sub), 1) + "]}";
  in.subtasks.push_back({rest::read_subtask_details(text, "subtasks-102-0123456789abcdef0123456789abcdef.json"), ""});
  const Calibration cal = calibrate(in);
  REQUIRE(cal.operators.size() == 3);
  CHECK(cal.operators[0].state_mean == doctest::Approx(50e6));   // uploaded whole
  CHECK(cal.operators[0].incremental.value == 1.0);
  CHECK(cal.operators[1].state_mean == doctest::Approx(9e9 / 4));  // 90% of 1 GB / 4, at a tenth uploaded
  CHECK(cal.operators[1].incremental.value == doctest::Approx(0.1));
  CHECK(cal.operators[2].state_mean == 0.0);  // the sink is not fed by HASH
  CHECK(cal.operators[0].state_cv == 0.0);
  CHECK(cal.edges[1].partitioning == "rebalance");  // FORWARD between parallelisms 4 and 2
  CHECK(cal.edges[1].note.find("FORWARD between parallelisms 4 and 2") != std::string::npos);
  load(calibrated_yaml(cal, {}));
}

TEST_CASE("responses that cannot make a scenario are errors naming the file") {
  CalibrationInputs empty;
  const std::string cps = kData + "checkpoints-1.16-nan-empty.json";
  empty.checkpoints = rest::read_checkpoints(rest::read_file(cps), cps);
  CHECK_THROWS_WITH_AS(calibrate(empty), doctest::Contains("checkpoints-1.16-nan-empty.json: history: no COMPLETED checkpoint"),
                       rest::RestError);

  Truth t;
  for (int64_t k = 0; k < 4; ++k) t.sizes.push_back(1'000'000'000 * (k + 1));
  CalibrationInputs in = inputs(t);
  in.job = rest::read_job(rest::read_file(kData + "job-1.10-sql.json"), "job.json");
  const std::string one = "{\"id\": 101, \"num_subtasks\": 1, \"subtasks\": []}";
  in.subtasks = {{rest::read_subtask_details(one, "details.json"), ""}};
  CHECK_THROWS_WITH_AS(calibrate(in), doctest::Contains("details.json: cannot tell which vertex this is"), rest::RestError);
  in.subtasks = {{rest::read_subtask_details(one, "details.json"), "nope"}};
  CHECK_THROWS_WITH_AS(calibrate(in), doctest::Contains("details.json: 'nope' is no vertex of job.json; give it as "
                                                        "--subtasks VERTEX=FILE"),
                       rest::RestError);
  const std::string three = "{\"id\": 101, \"num_subtasks\": 3, \"subtasks\": []}";
  in.subtasks = {{rest::read_subtask_details(three, "details.json"), "cbc357ccb763df2852fee8c4fc7d55f2"}};
  CHECK_THROWS_WITH_AS(calibrate(in), doctest::Contains("num_subtasks is 3, but vertex cbc357ccb763df2852fee8c4fc7d55f2"),
                       rest::RestError);
}

TEST_CASE("numbers are written in units the loader reads back, three significant digits") {
  CHECK(short_duration(1'234'567) == "1.23s");
  CHECK(short_duration(450'000) == "450ms");
  CHECK(short_duration(300'000'000) == "5min");
  CHECK(short_duration(123'456'789) == "123s");
  CHECK(short_duration(1500) == "1.5ms");
  CHECK(short_duration(0) == "0ms");
  CHECK(short_duration(7'200'000'000) == "2h");
  CHECK(short_size(97'312'345) == "97.3MB");
  CHECK(short_size(5'123'456'789) == "5.12GB");
  CHECK(short_size(999) == "999B");
  CHECK(short_size(1'000'000) == "1MB");
  CHECK(operator_slug("Source: Kafka Source -> Map") == "source-kafka-source");
  CHECK(operator_slug("Window(TumblingProcessingTimeWindows(5000), ProcessingTimeTrigger)") == "window");
  CHECK(operator_slug("GroupAggregate(groupBy=[dt]) -> Sink: JDBC") == "groupaggregate");
  CHECK(operator_slug("???") == "vertex");
  CHECK(yaml_quote("a \"b\" \\ c") == "\"a \\\"b\\\" \\\\ c\"");
}

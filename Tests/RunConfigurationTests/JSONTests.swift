import Foundation
import Testing
import RunConfiguration

@Suite("JSON run files")
struct JSONTests {
    static let toml = """
        [sgd]
        learning_rate = 0.05
        momentum = 0.9
        batch_size = 8
        weight_decay = 0.1
        dataset_size = 100
        [loss]
        hessian = [[1.625, 0.649519052838329], [0.649519052838329, 0.875]]
        minimum = [1.0, -0.5]
        [noise]
        model = "loss-hessian"
        label_noise = 0.5
        [initial]
        mean = [1.4, 0.0, 0.0, 0.0]
        covariance = [0.02, 0.02, 0.5, 0.3]
        [grid]
        points = [32, 32, 16, 16]
        box = [1.0, 1.0, 5.0, 4.0]
        wisdom = "none"
        [time]
        stop = 4
        step = 0.01
        [output]
        path = "x.h5"
        full_density = false
        """

    static let json = """
        {
          "sgd": {"learning_rate": 0.05, "momentum": 0.9, "batch_size": 8, "weight_decay": 0.1, "dataset_size": 100},
          "loss": {"hessian": [[1.625, 0.649519052838329], [0.649519052838329, 0.875]], "minimum": [1.0, -0.5]},
          "noise": {"model": "loss-hessian", "label_noise": 0.5},
          "initial": {"mean": [1.4, 0.0, 0.0, 0.0], "covariance": [0.02, 0.02, 0.5, 0.3]},
          "grid": {"points": [32, 32, 16, 16], "box": [1.0, 1.0, 5.0, 4.0], "wisdom": "none"},
          "time": {"stop": 4, "step": 1e-2},
          "output": {"path": "x.h5", "full_density": false}
        }
        """

    @Test("a JSON file with the same nesting equals the TOML file")
    func sameAsTOML() throws {
        let fromTOML = try parseTOML(Self.toml)
        let fromJSON = try RunConfiguration.parse(json: Self.json, source: "run.json")
        #expect(fromJSON == fromTOML)
        #expect(try fromJSON.validated() == fromJSON)
    }

    @Test("null means absent: the default, or unset for optional keys")
    func nullValues() throws {
        let c = try RunConfiguration.parse(json: #"{"sgd": {"momentum": null, "dataset_size": null}, "time": null}"#, source: "run.json")
        #expect(c == RunConfiguration.builtInExample)
        var base = RunConfiguration.builtInExample
        base.sgd.datasetSize = 10
        try base.apply(override: "sgd.dataset_size", value: "none")
        #expect(base.sgd.datasetSize == nil)
    }

    @Test("JSON strings with escapes and unicode")
    func escapes() throws {
        let c = try RunConfiguration.parse(
            json: #"{"output": {"path": "a\"b\\c\/d\u00e9\ud83d\ude00\n.h5"}}"#, source: "run.json")
        #expect(c.output.path == "a\"b\\c/dé😀\n.h5")
    }

    @Test("JSON syntax errors carry line and column", arguments: [
        ("{\n  \"sgd\": {\"momentum\": 0.9,}\n}", "line 2, column 27"),
        ("{\"sgd\": {\"momentum\": 09}}", "line 1, column 22"),
        ("{\"sgd\": {}} x", "line 1, column 13"),
        ("{\"sgd\": {}, \"sgd\": {}}", "duplicate member \"sgd\""),
        ("{\"output\": {\"path\": \"abc}}", "unterminated string"),
        ("", "expected a value"),
    ])
    func syntaxErrors(text: String, fragment: String) {
        let error = configurationError { try RunConfiguration.parse(json: text, source: "run.json") }
        #expect(error?.kind == .syntax)
        #expect(error?.description.contains("run.json") == true)
        #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "no error")")
    }

    @Test("a JSON document that is not an object is refused")
    func notAnObject() {
        let error = configurationError { try RunConfiguration.parse(json: "[1, 2]", source: "run.json") }
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "The top level of run.json must be a table of sections such as [sgd] and [loss], got [1, 2].")
    }

    @Test("load chooses the format by extension, and by content otherwise")
    func formatDetection() throws {
        let jsonPath = temporaryPath("run.json")
        try Self.json.write(toFile: jsonPath, atomically: true, encoding: .utf8)
        let tomlPath = temporaryPath("run.toml")
        try Self.toml.write(toFile: tomlPath, atomically: true, encoding: .utf8)
        let sniffJSON = temporaryPath("run.cfg")
        try ("\n  " + Self.json).write(toFile: sniffJSON, atomically: true, encoding: .utf8)
        let sniffTOML = temporaryPath("run")
        try Self.toml.write(toFile: sniffTOML, atomically: true, encoding: .utf8)
        let expected = try parseTOML(Self.toml)
        for path in [jsonPath, tomlPath, sniffJSON, sniffTOML] {
            #expect(try RunConfiguration.load(path: path) == expected, "\(path)")
        }
        #expect(RunFileFormat.detect(path: "a.JSON", contents: "") == .json)
        #expect(RunFileFormat.detect(path: "a.txt", contents: "\u{FEFF}{}") == .json)
        #expect(RunFileFormat.detect(path: "a.txt", contents: "# comment\n[sgd]") == .toml)
    }
}

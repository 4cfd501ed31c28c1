import Foundation
import Testing
import RunConfiguration

@Suite("Error messages")
struct ErrorTests {
    @Test("an unknown key names the key, the section, the file and the known keys")
    func unknownKey() {
        let error = tomlError("[sgd]\nlearnin_rate = 0.1\n")
        #expect(error == RunConfigurationError(
            .unknownKey, key: "sgd.learnin_rate",
            "Unknown key 'learnin_rate' in section [sgd] of run.toml; known keys are learning_rate, momentum, batch_size, weight_decay, dataset_size."))
        let json = configurationError { try RunConfiguration.parse(json: #"{"grid": {"point": 3}}"#, source: "run.json") }
        #expect(json?.description == "Unknown key 'point' in section [grid] of run.json; known keys are points, box, threads, wisdom, frame, frame_points, frame_box.")
    }

    @Test("the adapted frame's keys are checked: a frame kind, an even point count from 8, a box from 3 to 40")
    func frameKeys() throws {
        let c = try parseTOML("[grid]\nframe = \"adapted\"\nframe_points = 40\nframe_box = 9\n")
        #expect(c.grid.frame == .adapted && c.grid.framePoints == 40 && c.grid.frameBox == 9)
        #expect(tomlError("[grid]\nframe = \"moving\"\n")?.description == "[grid] frame must be one of \"fixed\", \"adapted\", \"auto\", got \"moving\".")
        #expect(tomlError("[grid]\nframe_points = 31\n")?.key == "grid.frame_points")
        #expect(tomlError("[grid]\nframe_box = 1\n")?.key == "grid.frame_box")
    }

    @Test("a table header without a key is a syntax error with its position, never an abort of the TOML library", arguments: [
        "[{", "[[{", "[ {", "[=]", "[.]", "[#]", "[}", "[,]", "[sgd]\nmomentum = 0.9\n[{", "[\n[time]\nstop = 1.0",
    ])
    func keylessHeader(_ text: String) {
        let error = tomlError(text)
        #expect(error?.kind == .syntax && error?.description.contains("table header must start with a name") == true, "\(String(describing: error))")
    }

    @Test("brackets inside values, strings and comments are not headers")
    func bracketsElsewhere() throws {
        let c = try parseTOML("# [{ a comment\n[initial]\nkind = \"mixture\"\nmeans = [\n  [1.0, 0.0],\n  [2.0, 0.0],\n]\n[output]\npath = \"[{.h5\"\n")
        #expect(c.initial.means?.count == 2 && c.output.path == "[{.h5")
    }

    @Test("an empty or comment-only run file is an error, not the built-in example")
    func emptyRunFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sgdfp-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in [("empty.toml", ""), ("comments.toml", "# nothing here\n\n# still nothing\n"), ("empty.json", "{}")] {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = configurationError { try RunConfiguration.load(path: path) }
            #expect(error?.description.contains("has no keys") == true, "\(name): \(String(describing: error))")
        }
    }

    @Test("keys the run does not use, and weights that are rescaled, are named as notices")
    func notices() throws {
        let c = try parseTOML("[noise]\nmodel = \"hessian\"\nmatrix = [[1.0]]\n[initial]\nkind = \"gaussian\"\nmeans = [[1.0, 0.0]]\n")
        #expect(c.notices.contains { $0.contains("[noise] matrix is ignored") } && c.notices.contains { $0.contains("[initial] means is ignored") }, "\(c.notices)")
        let m = try parseTOML("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [2.0, 0.0]]\nweights = [1.2, 0.8]\n")
        #expect(m.notices == ["[initial] weights sum to 2.0, not 1; they are divided by their sum (0.6, 0.4)."], "\(m.notices)")
        #expect(RunConfiguration.builtInExample.notices.isEmpty)
    }

    @Test("an unknown section is named, with the known sections")
    func unknownSection() {
        let error = tomlError("[sdg]\nlearning_rate = 0.1\n")
        #expect(error?.kind == .unknownSection)
        #expect(error?.description == "Unknown section [sdg] in run.toml; known sections are sgd, loss, noise, initial, grid, time, output.")
    }

    @Test("a key outside any section says where it belongs")
    func topLevelKey() {
        let error = tomlError("learning_rate = 0.1\n")
        #expect(error?.kind == .unknownSection)
        #expect(error?.description == "Key 'learning_rate' in run.toml is outside any section; move it under [sgd].")
    }

    @Test("a section that is not a table")
    func sectionNotTable() {
        let error = tomlError("sgd = 3\n")
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "[sgd] in run.toml must be a section (a table of keys), got 3.")
    }

    @Test("wrong types say what the value must be and show what was given", arguments: [
        ("[sgd]\nbatch_size = \"eight\"", "[sgd] batch_size must be an integer ≥ 1, got \"eight\"."),
        ("[sgd]\nbatch_size = 1.5", "[sgd] batch_size must be an integer ≥ 1, got 1.5."),
        ("[sgd]\nlearning_rate = true", "[sgd] learning_rate must be a positive number, got true."),
        ("[loss]\nhessian = [[1.0, \"a\"]]",
         "[loss] hessian must be a square matrix such as [[1.0, 0.5], [0.5, 2.0]] (a single number for d = 1, a list of numbers for a diagonal), got [[1.0, \"a\"]]."),
        ("[noise]\nmodel = \"hesian\"", "[noise] model must be one of \"hessian\", \"matrix\", \"isotropic\", \"loss-hessian\", got \"hesian\"."),
        ("[initial]\nkind = 3", "[initial] kind must be one of \"gaussian\", \"mixture\", \"file\", got 3."),
        ("[grid]\nbox = \"big\"", "[grid] box must be \"auto\" or a list of 2d positive half-widths, got \"big\"."),
        ("[grid]\npoints = [32, 32.5]", "[grid] points must be an integer ≥ 2 or a list of 2d such integers, got [32, 32.5]."),
        ("[output]\nfull_density = \"yes\"", "[output] full_density must be \"auto\", true or false, got \"yes\"."),
        ("[time]\nscheme = 4", "[time] scheme must be the name of a time-stepping scheme such as \"lawson-dp54\", got 4."),
        ("[time]\nstop = 1979-05-27", "[time] stop must be a positive number, got 1979-05-27."),
    ])
    func wrongTypes(text: String, message: String) {
        let error = tomlError(text)
        #expect(error?.description == message)
        #expect(error?.kind == .wrongType || error?.kind == .invalidValue)
    }

    @Test("TOML syntax errors pass TOMLKit's message with line and column")
    func tomlSyntax() {
        let error = tomlError("[sgd]\nmomentum = [0.9\n")
        #expect(error?.kind == .syntax)
        let text = error?.description ?? ""
        #expect(text.hasPrefix("TOML syntax error in run.toml at line "))
        #expect(text.contains("column"))
        let duplicate = tomlError("[sgd]\nmomentum = 0.9\nmomentum = 0.8\n")
        #expect(duplicate?.kind == .syntax)
        #expect(duplicate?.description.contains("line 3") == true, "\(duplicate?.description ?? "")")
    }

    @Test("missing companions say what to add", arguments: [
        ("[noise]\nmodel = \"matrix\"", "noise.matrix",
         "[noise] model = \"matrix\" needs the covariance itself: add matrix = [[1.0]] (a 1×1 matrix) to [noise]."),
        ("[initial]\nkind = \"file\"", "initial.file",
         "[initial] kind = \"file\" needs the path of an earlier output: add file = \"run.h5\" to [initial]."),
        ("[initial]\nkind = \"mixture\"", "initial.means",
         "[initial] kind = \"mixture\" needs the component means: add means = [[0.0, 0.0], ...] (one list of 2 numbers per component) to [initial]."),
    ])
    func missingCompanions(text: String, key: String, message: String) {
        let error = tomlError(text)
        #expect(error == RunConfigurationError(.missingCompanion, key: key, message))
        // Parsing alone accepts them: an override may still add the companion.
        #expect(tomlError(text, validate: false) == nil)
    }

    @Test("wrong shapes say the expected shape", arguments: [
        ("[loss]\nhessian = [[1.0, 0.0], [0.0]]",
         "[loss] hessian must be square (2×2, one row per parameter), but row 2 has 1 entries."),
        ("[loss]\nhessian = []", "[loss] hessian must have at least one row, such as [[1.0]]."),
        ("[loss]\nhessian = [1.0, 2.0, 3.0]",
         "[loss] hessian is 3×3 but sgdfp handles d = 1 or 2 parameters; give a 1×1 or 2×2 Hessian."),
        ("[loss]\nhessian = [1.0, 2.0]\nminimum = [1.0]",
         "[loss] minimum must have 2 entries (one per parameter), got 1."),
        ("[loss]\nhessian = [1.0, 2.0]\n[initial]\nmean = [1.0, 0.0]",
         "[initial] mean must have 4 entries (θ₁, θ₂, v₁, v₂), got 2."),
        ("[initial]\ncovariance = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]",
         "[initial] covariance must be 2×2 (2d×2d over θ, v, or a list of 2 variances), got 3×3."),
        ("[loss]\nhessian = [1.0, 2.0]\n[noise]\nmodel = \"matrix\"\nmatrix = [[1.0]]",
         "[noise] matrix must be 2×2 (d×d with d = 2 from the Hessian), got 1×1."),
        ("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [0.0, 1.0]]\nweights = [1.0]",
         "[initial] weights must have one entry per component (2 means are given), got 1."),
        ("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [0.0, 1.0]]\ncovariances = [[1.0, 1.0]]",
         "[initial] covariances must have one matrix per component (2 means are given), got 1."),
        ("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [0.0, 1.0, 2.0]]",
         "[initial] means entry 2 must have 2 entries (θ, v), got 3."),
        ("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0]]\ncovariances = [[[1.0, 0.0], [0.0]]]",
         "[initial] covariances entry 1 must be 2×2 (2d×2d over θ, v, or a list of 2 variances), got rows of lengths 2, 1."),
        ("[grid]\npoints = [32, 32, 32]",
         "[grid] points must be one integer or a list of 2 integers (one per axis θ, v), got 3 entries."),
        ("[grid]\nbox = [5.0]", "[grid] box must have 2 entries (one half-width per axis θ, v), got 1."),
    ])
    func wrongShapes(text: String, message: String) {
        let error = tomlError(text)
        #expect(error?.kind == .wrongShape)
        #expect(error?.description == message)
    }

    @Test("values out of range say the allowed range", arguments: [
        ("[sgd]\nlearning_rate = 0", "[sgd] learning_rate must be a positive number, got 0.0."),
        ("[sgd]\nmomentum = 1.0", "[sgd] momentum must be a number in [0, 1), got 1.0."),
        ("[sgd]\nbatch_size = 0", "[sgd] batch_size must be an integer ≥ 1, got 0."),
        ("[sgd]\nweight_decay = -0.1", "[sgd] weight_decay must be a number ≥ 0, got -0.1."),
        ("[sgd]\nbatch_size = 8\ndataset_size = 4", "[sgd] dataset_size must be at least batch_size (8), got 4."),
        ("[noise]\nscale = -1", "[noise] scale must be a number ≥ 0, got -1.0."),
        ("[loss]\nhessian = nan", "[loss] hessian must contain finite numbers only, got nan."),
        ("[initial]\ncovariance = [[1.0, 0.5], [0.4, 1.0]]",
         "[initial] covariance must be symmetric, but entries (1, 2) and (2, 1) differ (0.5 and 0.4)."),
        ("[initial]\ncovariance = [[1.0, 2.0], [2.0, 1.0]]",
         "[initial] covariance must be positive definite (a positive variance in every direction); make its diagonal larger or its correlations smaller."),
        ("[initial]\ncovariance = [0.1, 0.0]",
         "[initial] covariance must be positive definite (a positive variance in every direction); make its diagonal larger or its correlations smaller."),
        ("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [0.0, 1.0]]\nweights = [-1.0, 2.0]",
         "[initial] weights must be a list of non-negative numbers with a positive sum, one per component, got [-1.0, 2.0]."),
        ("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [0.0, 1.0]]\nweights = [0, 0]",
         "[initial] weights must be a list of non-negative numbers with a positive sum, one per component, got [0.0, 0.0]."),
        ("[grid]\npoints = 1", "[grid] points must be an integer ≥ 2 or a list of 2d such integers, got 1."),
        ("[grid]\nbox = [5.0, 0.0]", "[grid] box must be \"auto\" or a list of 2d positive half-widths, got 0.0."),
        ("[grid]\nthreads = 0", "[grid] threads must be an integer ≥ 1, got 0."),
        ("[time]\nstop = inf", "[time] stop must be a positive number, got inf."),
        ("[time]\noutput_every = 0.0", "[time] output_every must be a positive number, got 0.0."),
        ("[time]\nstep = -0.1", "[time] step must be a positive number, got -0.1."),
        ("[time]\nscheme = \"\"", "[time] scheme must be the name of a time-stepping scheme such as \"lawson-dp54\", got \"\"."),
        ("[output]\npath = \"\"", "[output] path must be a non-empty path, got \"\"."),
    ])
    func outOfRange(text: String, message: String) {
        let error = tomlError(text)
        #expect(error?.kind == .invalidValue)
        #expect(error?.description == message)
    }

    @Test("entries the chosen model or kind does not use are not checked")
    func unusedEntriesIgnored() throws {
        _ = try parseTOML("[noise]\nmatrix = [[1.0, 2.0, 3.0]]\n[initial]\nkind = \"file\"\nfile = \"a.h5\"\nmean = [1.0]\n").validated()
    }

    @Test("an unreadable file names the path")
    func unreadableFile() {
        let error = configurationError { try RunConfiguration.load(path: "/nonexistent/run.toml") }
        #expect(error == RunConfigurationError(
            .unreadableFile, "Cannot read the run file /nonexistent/run.toml because it does not exist; check the path."))
    }

    @Test("every message is one sentence")
    func oneSentence() {
        let errors = [
            tomlError("[sgd]\nlearnin_rate = 0.1"), tomlError("[sgd]\nbatch_size = \"eight\""),
            tomlError("[noise]\nmodel = \"matrix\""), tomlError("[sgd]\nmomentum = [0.9\n"),
        ]
        for error in errors {
            let text = error?.description ?? ""
            #expect(text.hasSuffix("."))
            #expect(!text.dropLast().contains(". "), "\(text)")
            #expect(!text.contains("\n"), "\(text)")
        }
    }
}

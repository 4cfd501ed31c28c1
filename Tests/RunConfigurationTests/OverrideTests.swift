import Testing
import RunConfiguration

@Suite("Command-line overrides")
struct OverrideTests {
    @Test("numbers, matrices, quoted strings, bare words and booleans")
    func values() throws {
        var c = RunConfiguration.builtInExample
        try c.apply(override: "sgd.learning_rate", value: "0.05")
        try c.apply(override: "sgd.batch_size", value: "8")
        try c.apply(override: "sgd.dataset_size", value: "64.0")
        try c.apply(override: "loss.hessian", value: "[[1,0],[0,2]]")
        try c.apply(override: "noise.model", value: "\"loss-hessian\"")
        try c.apply(override: "initial.kind", value: "mixture")
        try c.apply(override: "initial.means", value: "[[1, 1, 0, 0], [-1, -1, 0, 0]]")
        try c.apply(override: "grid.points", value: "[32, 32, 16, 16]")
        try c.apply(override: "grid.box", value: "[1, 1, 4, 4]")
        try c.apply(override: "grid.wisdom", value: "none")
        try c.apply(override: "time.scheme", value: "exact-shear")
        try c.apply(override: "time.step", value: "1e-3")
        try c.apply(override: "output.path", value: "runs/out.h5")
        try c.apply(override: "output.full_density", value: "true")
        #expect(c.sgd.learningRate == 0.05)
        #expect(c.sgd.batchSize == 8)
        #expect(c.sgd.datasetSize == 64)
        #expect(c.loss.hessian == [[1, 0], [0, 2]])
        #expect(c.noise.model == .lossHessian)
        #expect(c.initial.kind == .mixture)
        #expect(c.initial.means == [[1, 1, 0, 0], [-1, -1, 0, 0]])
        #expect(c.grid.points == [32, 32, 16, 16])
        #expect(c.grid.box == .halfWidths([1, 1, 4, 4]))
        #expect(c.grid.wisdom == .disabled)
        #expect(c.time.scheme == "exact-shear")
        #expect(c.time.step == 1e-3)
        #expect(c.output.path == "runs/out.h5")
        #expect(c.output.fullDensity == .on)
        #expect(try c.validated() == c)
    }

    @Test("text keys take numbers-looking words as text; box and full_density take auto")
    func bareWords() throws {
        var c = RunConfiguration.builtInExample
        try c.apply(override: "output.path", value: "123")
        #expect(c.output.path == "123")
        try c.apply(override: "grid.box", value: "[5, 16]")
        try c.apply(override: "grid.box", value: "auto")
        #expect(c.grid.box == .auto)
        try c.apply(override: "output.full_density", value: "false")
        try c.apply(override: "output.full_density", value: "auto")
        #expect(c.output.fullDensity == .auto)
        try c.apply(override: "grid.wisdom", value: "")
        #expect(c.grid.wisdom == .defaultLocation)
    }

    @Test("optional keys are unset with none or an empty value")
    func unset() throws {
        var c = RunConfiguration.builtInExample
        try c.apply(override: "time.step", value: "0.01")
        try c.apply(override: "time.step", value: "none")
        #expect(c.time.step == nil)
        try c.apply(override: "initial.file", value: "a.h5")
        try c.apply(override: "initial.file", value: "")
        #expect(c.initial.file == nil)
        #expect(c == RunConfiguration.builtInExample)
    }

    @Test("a new Hessian carries along the defaults that were never set")
    func carriesDefaults() throws {
        var c = RunConfiguration.builtInExample
        try c.apply(override: "loss.hessian", value: "[[2.0, 0.0], [0.0, 0.5]]")
        #expect(c.loss.minimum == [0, 0])
        #expect(c.initial.mean == [2, 2, 0, 0])
        #expect(c.initial.covariance.count == 4)
        try c.apply(override: "loss.minimum", value: "[1, -1]")
        #expect(c.initial.mean == [3, 1, 0, 0])
        _ = try c.validated()

        var explicit = try parseTOML("[initial]\nmean = [1.0, 0.0]\n")
        try explicit.apply(override: "loss.hessian", value: "[1.0, 2.0]")
        #expect(explicit.initial.mean == [1.0, 0.0])
        let error = configurationError { try explicit.validated() }
        #expect(error?.description == "[initial] mean must have 4 entries (θ₁, θ₂, v₁, v₂), got 2.")
    }

    @Test("malformed override keys and unknown names")
    func badKeys() {
        var c = RunConfiguration.builtInExample
        #expect(configurationError { try c.apply(override: "learning_rate", value: "0.05") } == RunConfigurationError(
            .malformedOverride, key: "learning_rate",
            "Override 'learning_rate' must name a section and a key separated by a dot, as in sgd.learning_rate=0.05."))
        #expect(configurationError { try c.apply(override: "sgd.learnin_rate", value: "0.05") } == RunConfigurationError(
            .unknownKey, key: "sgd.learnin_rate",
            "Unknown key 'learnin_rate' in section [sgd] of the command line; known keys are learning_rate, momentum, batch_size, weight_decay, dataset_size."))
        #expect(configurationError { try c.apply(override: "sdg.momentum", value: "0.5") }?.kind == .unknownSection)
        #expect(configurationError { try c.apply(override: "sgd.", value: "0.5") }?.kind == .malformedOverride)
        #expect(c == RunConfiguration.builtInExample)
    }

    @Test("wrong types in overrides show what was typed")
    func badValues() {
        var c = RunConfiguration.builtInExample
        #expect(configurationError { try c.apply(override: "sgd.batch_size", value: "eight") }?.description
            == "[sgd] batch_size must be an integer ≥ 1, got \"eight\".")
        #expect(configurationError { try c.apply(override: "noise.model", value: "gaussian") }?.description
            == "[noise] model must be one of \"hessian\", \"matrix\", \"isotropic\", \"loss-hessian\", got \"gaussian\".")
        #expect(configurationError { try c.apply(override: "loss.hessian", value: "[[1, 0], [0") }?.kind == .wrongType)
        #expect(configurationError { try c.apply(override: "sgd.momentum", value: "0.9\nbatch_size = 3") }?.kind == .wrongType)
        #expect(c == RunConfiguration.builtInExample)
    }
}

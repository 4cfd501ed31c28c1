import Testing
import RunConfiguration

@Suite("Defaults and the built-in example")
struct DefaultsTests {
    @Test("the built-in example is P1 with every documented default")
    func builtInValues() {
        let c = RunConfiguration.builtInExample
        #expect(c.sgd == SGDSection(learningRate: 0.1, momentum: 0.9, batchSize: 1, weightDecay: 0.0, datasetSize: nil))
        #expect(c.loss.hessian == [[1.0]])
        #expect(c.loss.minimum == [0.0])
        #expect(c.noise == NoiseSection(model: .hessian, scale: 1.0, matrix: nil, labelNoise: 1.0))
        #expect(c.initial.kind == .gaussian)
        #expect(c.initial.mean == [2.0, 0.0])
        #expect(c.initial.covariance == [[0.1, 0.0], [0.0, 1.0]])
        #expect(c.initial.weights == nil && c.initial.means == nil && c.initial.covariances == nil && c.initial.file == nil)
        #expect(c.grid == GridSection(points: nil, box: .auto, threads: 1, wisdom: .defaultLocation) && c.grid.points(axes: 2) == [128, 128])
        #expect(c.time == TimeSection(stop: 10.0, outputEvery: 0.5, tolerance: 1e-8, scheme: "auto", step: nil))
        #expect(c.output == OutputSection(path: "sgdfp-example.h5", fullDensity: .auto))
        #expect(c.parameterDimension == 1)
        #expect(c.phaseDimension == 2)
        #expect(c == RunConfiguration())
    }

    @Test("empty documents give the built-in example, and it validates")
    func emptyDocuments() throws {
        #expect(try parseTOML("") == RunConfiguration.builtInExample)
        #expect(try parseTOML("[sgd]\n[loss]\n") == RunConfiguration.builtInExample)
        #expect(try RunConfiguration.parse(json: "{}", source: "run.json") == RunConfiguration.builtInExample)
        #expect(try RunConfiguration.builtInExample.validated() == RunConfiguration.builtInExample)
    }

    @Test("a d = 2 Hessian alone brings defaults of matching size")
    func defaultsFollowDimension() throws {
        let c = try parseTOML("[loss]\nhessian = [[2.0, 0.0], [0.0, 0.5]]\n").validated()
        #expect(c.parameterDimension == 2)
        #expect(c.loss.minimum == [0.0, 0.0])
        #expect(c.initial.mean == [2.0, 2.0, 0.0, 0.0])
        #expect(c.initial.covariance == [[0.1, 0, 0, 0], [0, 0.1, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 1.0]])
        #expect(c.grid.points(axes: c.phaseDimension) == [128, 128, 128, 128])
    }

    @Test("the default mean sits 2 above a given minimum")
    func defaultMeanFollowsMinimum() throws {
        let c = try parseTOML("[loss]\nhessian = [[1.0, 0.0], [0.0, 1.0]]\nminimum = [1.0, -0.5]\n")
        #expect(c.initial.mean == [3.0, 1.5, 0.0, 0.0])
        let user = try parseTOML("[loss]\nminimum = 1.0\n[initial]\nmean = [0.5, 0.1]\n")
        #expect(user.initial.mean == [0.5, 0.1])
    }

    @Test("known keys list every section in file order")
    func knownKeys() {
        #expect(RunConfiguration.sectionNames == ["sgd", "loss", "noise", "initial", "grid", "time", "output"])
        #expect(RunConfiguration.knownKeys["sgd"] == ["learning_rate", "momentum", "batch_size", "weight_decay", "dataset_size"])
        #expect(RunConfiguration.knownKeys["initial"] == ["kind", "mean", "covariance", "weights", "means", "covariances", "file", "model_change"])
        #expect(RunConfiguration.knownKeys.values.reduce(0) { $0 + $1.count } == RunConfiguration.keyCatalog.count)
        #expect(RunConfiguration.keyCatalog.allSatisfy { !$0.help.isEmpty && !$0.expectation.isEmpty })
    }

    @Test("Gaussian components: one for a Gaussian, normalised weights and shared covariance for a mixture")
    func components() throws {
        #expect(RunConfiguration.builtInExample.initial.components
            == [GaussianComponent(weight: 1, mean: [2, 0], covariance: [[0.1, 0], [0, 1]])])
        let c = try parseTOML("""
            [initial]
            kind = "mixture"
            weights = [3.0, 1.0]
            means = [[1.0, 0.0], [-1.0, 0.0]]
            covariance = [0.2, 0.3]
            """).validated()
        #expect(c.initial.components == [
            GaussianComponent(weight: 0.75, mean: [1, 0], covariance: [[0.2, 0], [0, 0.3]]),
            GaussianComponent(weight: 0.25, mean: [-1, 0], covariance: [[0.2, 0], [0, 0.3]]),
        ])
        let equal = try parseTOML("[initial]\nkind = \"mixture\"\nmeans = [[1.0, 0.0], [-1.0, 0.0]]\n").validated()
        #expect(equal.initial.components.map(\.weight) == [0.5, 0.5])
        #expect(try parseTOML("[initial]\nkind = \"file\"\nfile = \"a.h5\"").initial.components.isEmpty)
    }
}

import Foundation
import Testing
@testable import LangevinModel

/// One invalid input, the run-file key its message must name, and a check of the error case.
struct InvalidInput: Sendable, CustomTestStringConvertible {
    let name: String
    let hyperparameters: Hyperparameters
    let loss: QuadraticLoss
    let noise: NoiseModel
    let key: String
    let matches: @Sendable (ModelError) -> Bool
    var testDescription: String { name }

    init(_ name: String, key: String, eta: Double = 0.1, beta: Double = 0.9, s: Double = 4, lambda: Double = 0,
         n: Double? = nil, hessian: Matrix = Matrix([[1, 0.2], [0.2, 0.5]]), minimum: [Double] = [1, 2],
         noise: NoiseModel = .hessian(scale: 1), matches: @escaping @Sendable (ModelError) -> Bool) {
        self.name = name
        self.hyperparameters = .init(learningRate: eta, momentum: beta, batchSize: s, weightDecay: lambda, datasetSize: n)
        self.loss = .init(hessian: hessian, minimum: minimum)
        self.noise = noise
        self.key = key
        self.matches = matches
    }
}

let invalidInputs: [InvalidInput] = [
    .init("negative learning rate", key: "[sgd] learning_rate", eta: -0.1) { $0 == .invalidLearningRate(-0.1) },
    .init("zero learning rate", key: "[sgd] learning_rate", eta: 0) { $0 == .invalidLearningRate(0) },
    .init("NaN learning rate", key: "[sgd] learning_rate", eta: .nan) { if case .invalidLearningRate = $0 { true } else { false } },
    .init("infinite learning rate", key: "[sgd] learning_rate", eta: .infinity) { $0 == .invalidLearningRate(.infinity) },
    .init("momentum 1", key: "[sgd] momentum", beta: 1) { $0 == .invalidMomentum(1) },
    .init("negative momentum", key: "[sgd] momentum", beta: -0.1) { $0 == .invalidMomentum(-0.1) },
    .init("NaN momentum", key: "[sgd] momentum", beta: .nan) { if case .invalidMomentum = $0 { true } else { false } },
    .init("batch size below 1", key: "[sgd] batch_size", s: 0.5) { $0 == .invalidBatchSize(0.5) },
    .init("infinite batch size", key: "[sgd] batch_size", s: .infinity) { $0 == .invalidBatchSize(.infinity) },
    .init("dataset smaller than batch", key: "[sgd] dataset_size", s: 8, n: 4) { $0 == .invalidDatasetSize(datasetSize: 4, batchSize: 8) },
    .init("dataset of one sample", key: "[sgd] dataset_size", s: 1, n: 1) { $0 == .invalidDatasetSize(datasetSize: 1, batchSize: 1) },
    .init("infinite dataset", key: "[sgd] dataset_size", n: .infinity) { if case .invalidDatasetSize = $0 { true } else { false } },
    .init("negative weight decay", key: "[sgd] weight_decay", lambda: -0.01) { $0 == .invalidWeightDecay(-0.01) },
    .init("NaN weight decay", key: "[sgd] weight_decay", lambda: .nan) { if case .invalidWeightDecay = $0 { true } else { false } },
    .init("empty Hessian", key: "[loss] hessian", hessian: .zeros(0, 0), minimum: []) { $0 == .emptyHessian },
    .init("non-square Hessian", key: "[loss] hessian", hessian: .zeros(2, 3)) { $0 == .hessianNotSquare(rows: 2, columns: 3) },
    .init("NaN in Hessian", key: "[loss] hessian", hessian: Matrix([[1, .nan], [.nan, 1]])) { $0 == .nonFiniteEntries(key: "[loss] hessian") },
    .init("asymmetric Hessian", key: "[loss] hessian", hessian: Matrix([[1, 0.2], [0.2 + 1e-9, 0.5]])) {
        if case .hessianNotSymmetric = $0 { true } else { false }
    },
    .init("indefinite Hessian", key: "[loss] hessian", hessian: Matrix([[1, 0], [0, -1e-3]])) {
        $0 == .hessianNotPositiveSemidefinite(eigenvalue: -1e-3)
    },
    .init("minimum too short", key: "[loss] minimum", minimum: [1]) { $0 == .minimumWrongLength(expected: 2, found: 1) },
    .init("NaN in minimum", key: "[loss] minimum", minimum: [1, .nan]) { $0 == .nonFiniteEntries(key: "[loss] minimum") },
    .init("noise matrix wrong size", key: "[noise] matrix", noise: .matrix(.identity(3))) {
        $0 == .noiseMatrixWrongSize(expected: 2, rows: 3, columns: 3)
    },
    .init("noise matrix infinite", key: "[noise] matrix", noise: .matrix(Matrix([[1, 0], [0, .infinity]]))) {
        $0 == .nonFiniteEntries(key: "[noise] matrix")
    },
    .init("asymmetric noise matrix", key: "[noise] matrix", noise: .matrix(Matrix([[1, 0.5], [0.4, 1]]))) {
        if case .noiseMatrixNotSymmetric = $0 { true } else { false }
    },
    .init("indefinite noise matrix", key: "[noise] matrix", noise: .matrix(Matrix([[1, 2], [2, 1]]))) {
        if case .noiseMatrixNotPositiveSemidefinite(let ev) = $0 { abs(ev + 1) < 1e-14 } else { false }
    },
    .init("negative Hessian-noise scale", key: "[noise] scale", noise: .hessian(scale: -1)) { $0 == .invalidNoiseScale(-1) },
    .init("NaN isotropic scale", key: "[noise] scale", noise: .isotropic(scale: .nan)) { if case .invalidNoiseScale = $0 { true } else { false } },
    .init("negative label noise", key: "[noise] label_noise", noise: .lossHessian(labelNoise: -0.5)) { $0 == .invalidLabelNoise(-0.5) },
    // η(h+λ) = 4·(1.0562 + 0) ≥ 3.8 for the largest eigenvalue (h = 0.75 + √(0.0625+0.04)).
    .init("unstable discrete SGD", key: "[sgd] learning_rate", eta: 4) {
        if case .unstableDiscreteSGD(let h, _, _, _) = $0 { isClose(h, 0.75 + (0.1025).squareRoot(), rel: 1e-14) } else { false }
    },
    // d = 1, λ = 0: finite moments need ηh < S(1−β) = 0.05, here ηh = 0.1; the minimum batch is ηh/(1−β) = 2.
    .init("infinite loss-hessian moments", key: "[sgd] batch_size", eta: 0.1, beta: 0.95, s: 1,
          hessian: Matrix([[1]]), minimum: [0], noise: .lossHessian(labelNoise: 1)) {
        if case .infiniteSecondMoments(_, _, _, let sMin, let h) = $0 { isClose(sMin, 2, rel: 1e-10) && h == 1 } else { false }
    },
    // A learning rate so small that 1/m² overflows.
    .init("overflowing diffusion", key: "[sgd] learning_rate", eta: 1e-300) { $0 == .derivedMatrixNotFinite },
]

@Suite("Validation and error messages")
struct ValidationTests {
    @Test(arguments: invalidInputs)
    func rejectsInvalidInput(input: InvalidInput) {
        do {
            _ = try LangevinSDE(hyperparameters: input.hyperparameters, loss: input.loss, noise: input.noise)
            Issue.record("\(input.name) was accepted")
        } catch {
            #expect(input.matches(error), "unexpected error \(error)")
            #expect(error.description.contains(input.key), "message does not name \(input.key): \(error)")
            #expect(isOneSentence(error.description), "not one sentence: \(error)")
        }
    }

    @Test func unstableMessageGivesTheLargestStableLearningRate() {
        let error = ModelError.unstableDiscreteSGD(curvature: 1, weightDecay: 0.1, learningRate: 4, momentum: 0.9)
        // 2(1+β)/(h+λ) = 3.8/1.1 = 3.45455.
        #expect(error.description.contains("3.45455"))
        #expect(error.description.contains("h = 1 "))
    }

    @Test func infiniteMomentsMessage() {
        let error = ModelError.infiniteSecondMoments(learningRate: 0.1, batchSize: 1, momentum: 0.95, minimumBatchSize: 2, curvature: 1)
        #expect(error.description.contains("[sgd] learning_rate") && error.description.contains("[sgd] batch_size"))
        #expect(error.description.contains("ηh < S(1−β)"))
        #expect(error.description.contains("above 2"))
    }

    /// The critical batch size is exact: a little above it the model is accepted, a little below rejected,
    /// in d = 2 with weight decay and for sampling without replacement.
    @Test func criticalBatchSizeIsSharp() throws {
        for datasetSize in [nil, 50.0] {
            func build(_ s: Double) throws(ModelError) -> LangevinSDE {
                try LangevinSDE(hyperparameters: .init(learningRate: 0.05, momentum: 0.9, batchSize: s, weightDecay: 0.1,
                                                       datasetSize: datasetSize),
                                loss: ReferenceSets.p3.loss, noise: .lossHessian(labelNoise: 1))
            }
            var critical = 0.0
            do {
                _ = try build(1)
                Issue.record("S = 1 should give infinite moments")
            } catch {
                guard case .infiniteSecondMoments(_, _, _, let sMin, let h) = error else { Issue.record("\(error)"); continue }
                #expect(h == nil)
                critical = sMin
            }
            #expect(critical > 1)
            // Bisection to 1e-14 in the noise factor; 1e-8 relative is far outside it.
            _ = try build(critical * (1 + 1e-8))
            #expect(throws: ModelError.self) { try build(critical * (1 - 1e-8)) }
        }
    }

    @Test func raggedRowsNameTheKey() {
        do {
            _ = try Matrix(validating: [[1, 0], [0]], key: "[loss] hessian")
            Issue.record("ragged rows accepted")
        } catch {
            #expect(error.description.contains("[loss] hessian") && isOneSentence(error.description))
        }
    }

    @Test func everyMessageIsOneSentence() {
        let all: [ModelError] = [
            .invalidLearningRate(-1), .invalidMomentum(2), .invalidBatchSize(0), .invalidDatasetSize(datasetSize: 1, batchSize: 2),
            .invalidWeightDecay(-1), .emptyHessian, .hessianNotSquare(rows: 1, columns: 2),
            .raggedMatrix(key: "[noise] matrix", row: 1, expected: 2, found: 1), .nonFiniteEntries(key: "[loss] hessian"),
            .hessianNotSymmetric(asymmetry: 0.1, largestEntry: 1), .hessianNotPositiveSemidefinite(eigenvalue: -1),
            .minimumWrongLength(expected: 2, found: 1), .noiseMatrixWrongSize(expected: 2, rows: 1, columns: 1),
            .noiseMatrixNotSymmetric(asymmetry: 0.1, largestEntry: 1), .noiseMatrixNotPositiveSemidefinite(eigenvalue: -1),
            .invalidNoiseScale(-1), .invalidLabelNoise(-1),
            .unstableDiscreteSGD(curvature: 1, weightDecay: 0, learningRate: 4, momentum: 0.9),
            .infiniteSecondMoments(learningRate: 0.1, batchSize: 1, momentum: 0.9, minimumBatchSize: 2.5, curvature: nil),
            .infiniteSecondMoments(learningRate: 0.1, batchSize: 1, momentum: 0.9, minimumBatchSize: 2.5, curvature: 1),
            .derivedMatrixNotFinite, .noStationaryDistribution(direction: [-0.5, 0.866]), .stateDependentNoise(model: "loss-hessian"),
            .singularMatrix(size: 4), .notPositiveDefinite(size: 2),
        ]
        for error in all {
            #expect(isOneSentence(error.description), "not one sentence: \(error)")
            // Every message points at a run-file key to change, except the Cholesky failure, which is raised
            // only for matrices that callers pass to Matrix.cholesky() and has no run-file key here.
            if error != .notPositiveDefinite(size: 2) {
                #expect(error.description.contains("["), "no key in: \(error)")
            }
        }
    }
}

/// One sentence: ends with a full stop and has no sentence break (". " followed by a capital letter).
func isOneSentence(_ text: String) -> Bool {
    guard text.hasSuffix("."), let first = text.first, first.isUppercase else { return false }
    let chars = Array(text)
    for i in 0..<(chars.count - 2) where chars[i] == "." && chars[i + 1] == " " && chars[i + 2].isUppercase {
        return false
    }
    return !text.dropLast().hasSuffix(".")
}

import Foundation
import Testing
import FokkerPlanck
import LangevinModel
import Spectral
import SGDFPTestSupport
import StationaryDistribution
@testable import ModifiedLoss

/// The modified loss of exact stationary Gaussians sampled on the grid (physics.md §6.3-§6.4, §9.11 items
/// 4 and 6): the fitted quadratic must recover U = P⁻¹ and the θ-marginal precision (P_θθ)⁻¹; T_v·U the
/// Hessian of Ψ for Σ = σ²H; and the Gibbs comparison must tell P5 (and d = 1) from P3 and P4.
@Suite("Modified loss")
struct ModifiedLossTests {
    static let cases: [(ReferenceModel, Int)] = [(.p1, 128), (.p2, 128), (.p3, 24), (.p4, 24), (.p5, 24)]

    static func analysis(_ model: ReferenceModel, points: Int) throws -> (ModifiedLossResult, StationaryTheory, PhaseSpaceGrid) {
        let sde = model.sde
        let theory = try StationaryTheory(sde)
        let grid = try StationarySolver.grid(for: sde, points: Array(repeating: points, count: sde.phaseDimension), sigmas: 7)
        let field = grid.makeField()
        try GaussianMixture(mean: theory.law.mean, covariance: theory.law.covariance.elements)
            .sample(on: grid, origin: sde.stationaryPoint, into: field.buffer)
        return (try ModifiedLoss.analyze(UnsafeBufferPointer(field.buffer), grid: grid, sde: sde), theory, grid)
    }

    @Test("The fitted quadratic recovers U = P⁻¹, its minimum x*, and the θ-marginal precision", arguments: cases)
    func fit(model: ReferenceModel, points: Int) throws {
        let (result, theory, grid) = try Self.analysis(model, points: points)
        let sde = model.sde
        print("\(model): U err \((result.fittedPrecision - theory.precision).maxAbs / theory.precision.maxAbs) theta \((result.thetaFittedPrecision - theory.thetaMarginalPrecision).maxAbs / theory.thetaMarginalPrecision.maxAbs) rms \(result.fitResidual) masked \(result.maskedPoints)")
        #expect((result.fittedPrecision - theory.precision).maxAbs <= 1e-9 * theory.precision.maxAbs)
        #expect((result.thetaFittedPrecision - theory.thetaMarginalPrecision).maxAbs <= 1e-9 * theory.thetaMarginalPrecision.maxAbs)
        let minimum = try #require(result.fittedMinimum)
        #expect(zip(minimum, sde.stationaryPoint).allSatisfy { abs($0 - $1) <= 1e-9 })
        #expect(result.fitResidual <= 1e-9)
        // The mask: Φ ≤ −log(1e-6) inside, the fill value outside, nothing clipped.
        let inside = result.potential.filter { $0 != ModifiedLossResult.fillValue }
        #expect(inside.count == result.maskedPoints && result.maskedPoints < grid.pointCount)
        #expect(inside.allSatisfy { $0 >= 0 && $0 <= -log(1e-6) })
        #expect(result.trainingEnergy.count == grid.pointCount && result.trainingLoss.count == grid.parameterPointCount)
    }

    @Test("Gibbs law of the training loss: a single temperature fits P1, P2 and P5 (0.5, 0.05, 0.015625), not P3 or P4", arguments: cases)
    func gibbs(model: ReferenceModel, points: Int) throws {
        let (result, _, _) = try Self.analysis(model, points: points)
        let comparison = ModifiedLoss.gibbsComparison(precision: result.fittedPrecision, sde: model.sde)
        let expected: [ReferenceModel: Double] = [.p1: 0.5, .p2: 0.05, .p5: 0.015625]
        if let t = expected[model] {
            #expect(comparison.mismatch <= 1e-8)
            #expect(abs(comparison.thetaTemperature - t) <= 1e-8 * t)
        } else {
            #expect(comparison.mismatch > 0.05)
        }
    }

    @Test("Σ = σ²H: Ψ = T_v Φ has the Hessian of physics.md §6.4", arguments: [(ReferenceModel.p1, 128), (.p3, 24)])
    func psi(model: ReferenceModel, points: Int) throws {
        let (result, _, _) = try Self.analysis(model, points: points)
        let tv = try #require(result.psiTemperature)
        let exact = try #require(model.sde.modifiedLossHessian)
        #expect((tv * result.fittedPrecision - exact).maxAbs <= 1e-9 * exact.maxAbs)
        #expect(result.psi?.count == result.potential.count)
    }
}

/// The fit on solved densities (direct stationary solve), P1-P5: U = P⁻¹ and the θ-marginal precision to
/// 1e-8, and the loss-hessian noise (M1), whose law is not Gaussian: its −log p is visibly not quadratic.
@Suite("Modified loss of the solved stationary density")
struct SolvedModifiedLossTests {
    @Test(arguments: [(ReferenceModel.p1, 128), (.p2, 128), (.p3, 40), (.p4, 40), (.p5, 40)])
    func solved(model: ReferenceModel, points: Int) throws {
        let sde = model.sde
        let theory = try StationaryTheory(sde)
        let solved = try SolvedStationary.entry(model, points: points)
        let result = try ModifiedLoss.analyze(UnsafeBufferPointer(solved.solution.density.buffer), grid: solved.grid, sde: sde)
        #expect((result.fittedPrecision - theory.precision).maxAbs <= 1e-8 * theory.precision.maxAbs)
        #expect((result.thetaFittedPrecision - theory.thetaMarginalPrecision).maxAbs <= 1e-8 * theory.thetaMarginalPrecision.maxAbs)
    }

    @Test func stateDependentNoiseIsNotQuadratic() throws {
        let sde = ReferenceModel.m1.sde
        let grid = try StationarySolver.grid(for: sde, points: [128, 128])
        let solver = try StationarySolver(sde: sde, grid: grid, effort: .estimate)
        let solution = solver.solve(from: try solver.momentGuess(), settings: StationarySolverSettings(residualTolerance: 1e-6))
        let result = try ModifiedLoss.analyze(UnsafeBufferPointer(solution.density.buffer), grid: grid, sde: sde)
        // A Gaussian fits to 1e-12 (see above); the heavy tails of the multiplicative noise leave O(0.1).
        #expect(result.fitResidual > 1e-3)
        #expect(result.psi == nil && result.psiTemperature == nil)
    }
}

import Foundation
import LangevinModel
import Spectral

/// The exact flow of linear drift and a constant velocity diffusion D₀ over any interval τ:
/// the `LinearTransport` sub-steps, each followed by the Gaussian spread W(τ/m) it accumulates
/// (`GaussianConvolution`). Applying the spread after every sub-step keeps the composition exact while
/// the field never goes through a pure transport long enough to contract below the grid's resolution.
/// (The spread could equally come first, as B W Bᵀ; but for stiff drift that covariance outgrows the box.)
final class ExactLinearFlow {
    let grid: PhaseSpaceGrid
    let transport: LinearTransport
    private let drift: Matrix
    private let twiceDiffusion: Matrix
    private let convolution: GaussianConvolution
    private var plans: [(transport: LinearTransport.Plan, spread: [Double])] = []
    private let cacheSize: Int

    /// - Parameter velocityDiffusion: D₀, row-major d×d.
    init(grid: PhaseSpaceGrid, drift: Matrix, velocityDiffusion dvv: [Double], maxSubstepNorm: Double, cacheSize: Int,
         effort: PlanningEffort) {
        self.grid = grid
        self.drift = drift
        self.cacheSize = cacheSize
        twiceDiffusion = LinearDynamics.twiceDiffusion(velocityBlock: dvv, parameterDimension: drift.rows / 2)
        transport = LinearTransport(grid: grid, drift: drift, maxSubstepNorm: maxSubstepNorm, effort: effort)
        let planningField = grid.makeField()
        convolution = GaussianConvolution(grid: grid, field: planningField, cacheSize: cacheSize, effort: effort)
    }

    /// Bytes held on `grid`: the convolution's spectrum and factor tables, and the transport tables.
    static func memoryEstimate(grid: PhaseSpaceGrid, cacheSize: Int) -> Double {
        let spectral = Double(GaussianConvolution.spectralCount(grid))
        return spectral * 16 + Double(cacheSize) * spectral * 8 + LinearTransport.memoryEstimate(grid: grid, plans: cacheSize)
    }

    /// Sub-steps used for an interval τ.
    func substeps(for time: Double) -> Int { plan(for: time).transport.substeps }

    /// state ← the exact flow of `time` applied to it, in place.
    func apply(to state: AlignedBuffer, time: Double) {
        let plan = plan(for: time)
        for _ in 0..<plan.transport.substeps {
            transport.applySubstep(plan.transport, to: state)
            convolution.apply(to: state, covariance: plan.spread)
        }
    }

    private func plan(for time: Double) -> (transport: LinearTransport.Plan, spread: [Double]) {
        if let i = plans.firstIndex(where: { $0.transport.step == time }) {
            let hit = plans.remove(at: i)
            plans.insert(hit, at: 0)
            return hit
        }
        let t = transport.plan(for: time)
        let w = GaussianTheory.noiseIntegral(drift: drift, twiceDiffusion: twiceDiffusion, time: time / Double(t.substeps))
        plans.insert((t, w.elements), at: 0)
        if plans.count > cacheSize { plans.removeLast() }
        return plans[0]
    }
}

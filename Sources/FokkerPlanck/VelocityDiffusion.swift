import Foundation
import Spectral

/// The exact propagator of the velocity diffusion ∂ₜp = ∇ᵥ·(D(θ)∇ᵥp) on a real density, for any noise
/// model: a real-to-complex transform over the velocity axes, the pointwise factor exp(τ·(−kᵥᵀD(θ)kᵥ)),
/// and the inverse transform. Since D acts on v only and depends on θ only, this is exact for every θ.
final class VelocityDiffusion {
    let grid: PhaseSpaceGrid
    private let symbol: [Double]
    private let perTheta: Bool
    private let transform: VelocityTransform
    private let spectrum: AlignedBuffer
    private var factors: [(time: Double, values: AlignedBuffer)] = []
    private let cacheSize: Int

    init(grid: PhaseSpaceGrid, dynamics: LinearDynamics, cacheSize: Int = 4, effort: PlanningEffort) {
        self.grid = grid
        symbol = DiffusionSymbol.values(grid: grid, dynamics: dynamics)
        perTheta = !dynamics.hasConstantDiffusion
        spectrum = grid.makeMixedField()
        let planning = grid.makeField()
        transform = VelocityTransform(grid: grid, real: planning, spectral: spectrum, effort: effort)
        self.cacheSize = cacheSize
    }

    /// Bytes held: the mixed spectrum and the cached factor tables.
    static func memoryEstimate(grid: PhaseSpaceGrid, constantDiffusion: Bool, cacheSize: Int = 4) -> Double {
        let table = Double(constantDiffusion ? grid.velocitySpectralCount : grid.mixedCount) * 8
        return Double(grid.mixedCount) * 16 + Double(cacheSize) * table
    }

    /// state ← the density after diffusing for `time`, in place.
    func apply(to state: AlignedBuffer, time: Double) {
        let e = factor(for: time)
        transform.forward(state, spectrum)
        let nS = grid.velocitySpectralCount, perTheta = self.perTheta
        let s = SharedPointer(spectrum.pointer), f = SharedPointer(e.pointer)
        Parallel.forEachRange(count: grid.parameterPointCount) { _, range in
            for it in range {
                let base = it * nS, fBase = perTheta ? base : 0
                for j in 0..<nS {
                    let w = f.base[fBase + j]
                    s.base[2 * (base + j)] *= w
                    s.base[2 * (base + j) + 1] *= w
                }
            }
        }
        transform.backward(spectrum, state)
    }

    /// exp(time·symbol)/N_v, kept for the last few times (a step reuses its half and quarter steps).
    private func factor(for time: Double) -> AlignedBuffer {
        if let i = factors.firstIndex(where: { $0.time == time }) {
            let hit = factors.remove(at: i)
            factors.insert(hit, at: 0)
            return hit.values
        }
        let values = factors.count >= cacheSize ? factors.removeLast().values : AlignedBuffer(count: symbol.count)
        let scale = 1 / Double(grid.velocityPointCount)
        let out = SharedPointer(values.pointer)
        symbol.withUnsafeBufferPointer { lam in
            let l = SharedPointer(UnsafeMutablePointer(mutating: lam.baseAddress!))
            Parallel.forEachRange(count: lam.count) { _, range in
                for i in range { out.base[i] = scale * exp(time * l.base[i]) }
            }
        }
        factors.insert((time, values), at: 0)
        return values
    }
}

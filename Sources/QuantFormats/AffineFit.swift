/// The scale-and-minimum fit of the K-quants with a minimum (q2_K, q4_K, q5_K).

/// One super-block of 256 in eight sub-blocks of 32 (q4_K, q5_K: ggml's `quantize_row_q4_K_ref` and
/// `quantize_row_q5_K_ref`): each sub-block gets its best (scale, min) from `fitAffineScale` with weights
/// sqrt(mean x^2) + |x|; the largest scale and largest min become d and dmin (over 63), the per-sub-block values are
/// rounded to 6 bits and packed as `Q4_K.scaleAndMin` reads them, and the values are requantized with the scales as
/// stored. The two formats share the layout of d, dmin and the scales, and differ in code width and search.
struct AffineSuperBlockFit {
    /// The codes (0...maxLevel) of the last super-block fitted, in value order.
    var codes = [UInt8](repeating: 0, count: 256)
    private var scratch = [UInt8](repeating: 0, count: 32)
    private var weights = [Float](repeating: 0, count: 32)
    private var scales = [Float](repeating: 0, count: 8)
    private var mins = [Float](repeating: 0, count: 8)

    /// Fits the 256 values at `xb` and writes d, dmin and the packed scales at q4_K's offsets of `out`.
    mutating func fit(_ xb: UnsafePointer<Float>, into out: UnsafeMutableRawPointer, maxLevel: Int32, rmin: Float, steps: Int) {
        var maxScale: Float = 0, maxMin: Float = 0
        for s in 0..<8 {
            let xs = xb + s * 32
            var sumOfSquares: Float = 0
            for l in 0..<32 { sumOfSquares += xs[l] * xs[l] }
            let rms = (sumOfSquares / 32).squareRoot()
            for l in 0..<32 { weights[l] = rms + abs(xs[l]) }
            let fit = codes.withUnsafeMutableBufferPointer { codes in
                fitAffineScale(xs, weights: weights, count: 32, maxLevel: maxLevel, codes: codes.baseAddress! + s * 32,
                               scratch: &scratch, rmin: rmin, rdelta: 0.1, steps: steps, useMAD: false)
            }
            scales[s] = fit.scale
            mins[s] = fit.min
            if fit.scale > maxScale { maxScale = fit.scale }
            if fit.min > maxMin { maxMin = fit.min }
        }

        let inverseScale: Float = maxScale > 0 ? 63 / maxScale : 0
        let inverseMin: Float = maxMin > 0 ? 63 / maxMin : 0
        let packed = out + Q4_K.scalesOffset
        for s in 0..<8 {
            // C stores nearest_int into a uint8_t before clamping, so a negative fit wraps and then clamps to 63.
            let ls = min(63, UInt8(truncatingIfNeeded: Scalars.nearestInt(inverseScale * scales[s])))
            let lm = min(63, UInt8(truncatingIfNeeded: Scalars.nearestInt(inverseMin * mins[s])))
            if s < 4 {
                packed.storeBytes(of: ls, toByteOffset: s, as: UInt8.self)
                packed.storeBytes(of: lm, toByteOffset: s + 4, as: UInt8.self)
            } else {
                packed.storeBytes(of: (ls & 0x0f) | ((lm & 0x0f) << 4), toByteOffset: s + 4, as: UInt8.self)
                packed.storeBytes(of: packed.load(fromByteOffset: s - 4, as: UInt8.self) | ((ls >> 4) << 6),
                                  toByteOffset: s - 4, as: UInt8.self)
                packed.storeBytes(of: packed.load(fromByteOffset: s, as: UInt8.self) | ((lm >> 4) << 6),
                                  toByteOffset: s, as: UInt8.self)
            }
        }
        out.storeHalf(maxScale / 63, at: Q4_K.scaleOffset)
        out.storeHalf(maxMin / 63, at: Q4_K.minimumOffset)

        // Requantize against the scales as stored; a sub-block whose scale rounds to 0 keeps the codes of its fit.
        let d = UnsafeRawPointer(out).half(at: Q4_K.scaleOffset), dmin = UnsafeRawPointer(out).half(at: Q4_K.minimumOffset)
        for s in 0..<8 {
            let (scale, minimum) = Q4_K.scaleAndMin(s, UnsafeRawPointer(packed))
            let subScale = d * Float(scale)
            if subScale == 0 { continue }
            let subMin = dmin * Float(minimum)
            for l in 0..<32 {
                let q = Scalars.nearestInt((xb[s * 32 + l] + subMin) / subScale)
                codes[s * 32 + l] = UInt8(truncatingIfNeeded: max(0, min(maxLevel, q)))
            }
        }
    }
}

/// ggml's `make_qkx2_quants`: the scale and minimum (x ~ scale * q - min, q in 0...maxLevel, min >= 0) with the least
/// weighted squared (or absolute, `useMAD`) error, trying the plain min/max fit and then `steps + 1` least-squares fits
/// seeded from iscale = (maxLevel + rmin + rdelta * i) / (max - min). Writes the codes of the best fit to `codes`.
/// Every float operation is in ggml's order, since the choice between fits is a comparison of rounded errors.
func fitAffineScale(_ x: UnsafePointer<Float>, weights: [Float], count n: Int, maxLevel: Int32,
                    codes: UnsafeMutablePointer<UInt8>, scratch: inout [UInt8],
                    rmin: Float, rdelta: Float, steps: Int, useMAD: Bool) -> (scale: Float, min: Float) {
    let levels = Float(maxLevel)
    var lo = x[0], hi = x[0]
    var sumW = weights[0]
    var sumX = sumW * x[0]
    for i in 1..<n {
        if x[i] < lo { lo = x[i] }
        if x[i] > hi { hi = x[i] }
        let w = weights[i]
        sumW += w
        sumX += w * x[i]
    }
    if lo > 0 { lo = 0 }
    if hi == lo {
        for i in 0..<n { codes[i] = 0 }
        return (0, -lo)
    }
    var iscale = levels / (hi - lo)
    var scale = 1 / iscale
    var bestError: Float = 0
    for i in 0..<n {
        let l = Scalars.nearestInt(iscale * (x[i] - lo))
        codes[i] = UInt8(truncatingIfNeeded: max(0, min(maxLevel, l)))
        var diff = scale * Float(codes[i]) + lo - x[i]
        diff = useMAD ? abs(diff) : diff * diff
        bestError += weights[i] * diff
    }
    if steps < 1 { return (scale, -lo) }
    for step in 0...steps {
        iscale = (rmin + rdelta * Float(step) + levels) / (hi - lo)
        var sumL: Float = 0, sumL2: Float = 0, sumXL: Float = 0
        for i in 0..<n {
            let l = max(0, min(maxLevel, Scalars.nearestInt(iscale * (x[i] - lo))))
            scratch[i] = UInt8(truncatingIfNeeded: l)
            let w = weights[i], fl = Float(l)
            sumL += w * fl
            sumL2 += w * fl * fl
            sumXL += w * fl * x[i]
        }
        let det = sumW * sumL2 - sumL * sumL
        guard det > 0 else { continue }
        var thisScale = (sumW * sumXL - sumX * sumL) / det
        var thisMin = (sumL2 * sumX - sumL * sumXL) / det
        if thisMin > 0 {
            thisMin = 0
            thisScale = sumXL / sumL2
        }
        var error: Float = 0
        for i in 0..<n {
            var diff = thisScale * Float(scratch[i]) + thisMin - x[i]
            diff = useMAD ? abs(diff) : diff * diff
            error += weights[i] * diff
        }
        if error < bestError {
            for i in 0..<n { codes[i] = scratch[i] }
            bestError = error
            scale = thisScale
            lo = thisMin
        }
    }
    return (scale, -lo)
}


extension UnsafePointer where Pointee == Float {
    /// Eight floats starting `index` elements past the pointer, without alignment requirements.
    @inline(__always)
    func load8(_ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + index).loadUnaligned(as: SIMD8<Float>.self)
    }
}

extension UnsafePointer where Pointee == Float {
    /// The first `lanes` (1...8) of eight floats starting `index` elements past the pointer, the
    /// others 0: the tail of a run of floats, read without reading past it.
    @inline(__always)
    func load8(_ index: Int, lanes: Int) -> SIMD8<Float> {
        if lanes == 8 { return load8(index) }
        var value = SIMD8<Float>()
        for lane in 0..<lanes { value[lane] = self[index + lane] }
        return value
    }
}

extension UnsafePointer where Pointee == Float {
    /// Four floats starting `index` elements past the pointer, without alignment requirements.
    @inline(__always)
    func load4(_ index: Int) -> SIMD4<Float> {
        UnsafeRawPointer(self + index).loadUnaligned(as: SIMD4<Float>.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Eight floats starting `index` elements past the pointer, without alignment requirements.
    @inline(__always)
    func load8(_ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + index).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Writes four floats starting `index` elements past the pointer, without alignment requirements.
    @inline(__always)
    func store4(_ value: SIMD4<Float>, _ index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    /// Writes eight floats starting `index` elements past the pointer, without alignment requirements.
    @inline(__always)
    func store8(_ value: SIMD8<Float>, _ index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// ``UnsafePointer/load8(_:lanes:)``.
    @inline(__always)
    func load8(_ index: Int, lanes: Int) -> SIMD8<Float> {
        UnsafePointer(self).load8(index, lanes: lanes)
    }

    /// Writes the first `lanes` (1...8) of `value` starting `index` elements past the pointer.
    @inline(__always)
    func store8(_ value: SIMD8<Float>, _ index: Int, lanes: Int) {
        if lanes == 8 { return store8(value, index) }
        for lane in 0..<lanes { self[index + lane] = value[lane] }
    }
}

extension SIMD8 where Scalar == Float {
    /// Lane-wise `max(x, 0)` that keeps NaN lanes NaN (so divergence stays visible).
    @inline(__always)
    var clampedAtZero: SIMD8<Float> {
        replacing(with: 0, where: self .< 0)
    }

    /// Lane sum in a fixed pairwise order: ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
    @inline(__always)
    var pairwiseSum: Float {
        let half = lowHalf + highHalf
        let quarter = half.lowHalf + half.highHalf
        return quarter[0] + quarter[1]
    }
}

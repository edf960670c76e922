//! A loopback DashScope / Model Studio emulator (being written).

FROM ubuntu:22.04 AS toolchain
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential \
        cmake \
        ninja-build \
        git \
        ca-certificates \
        libssl-dev \
        zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS build
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY src/ src/
COPY include/ include/
RUN cmake -S . -B /build -G Ninja \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/opt/app \
        -DBUILD_TESTING=OFF \
 && cmake --build /build --parallel \
 && cmake --install /build --strip

FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/app /opt/app
ENV LD_LIBRARY_PATH=/opt/app/lib
RUN ["/opt/app/bin/app", "--self-test"]
ENTRYPOINT ["/opt/app/bin/app"]

# syntax=docker/dockerfile:1

FROM eclipse-temurin:21-jdk-jammy AS deps
WORKDIR /build
COPY --chmod=0755 gradlew gradlew
COPY gradle/ gradle/
COPY build.gradle.kts settings.gradle.kts ./
RUN --mount=type=cache,target=/root/.gradle ./gradlew --no-daemon dependencies

FROM deps AS package
COPY ./src src/
RUN --mount=type=cache,target=/root/.gradle \
    ./gradlew --no-daemon bootJar -x test && \
    mv build/libs/$(./gradlew -q printJarName) build/app.jar

FROM package AS extract
RUN java -Djarmode=layertools -jar build/app.jar extract --destination build/extracted

FROM eclipse-temurin:21-jre-jammy AS final
ARG UID=10001
RUN adduser \
    --disabled-password \
    --gecos "" \
    --home "/nonexistent" \
    --shell "/sbin/nologin" \
    --no-create-home \
    --uid "${UID}" \
    appuser
USER appuser
COPY --from=extract build/extracted/dependencies/ ./
COPY --from=extract build/extracted/spring-boot-loader/ ./
COPY --from=extract build/extracted/snapshot-dependencies/ ./
COPY --from=extract build/extracted/application/ ./
EXPOSE 8080
ENTRYPOINT [ "java", "-XX:MaxRAMPercentage=75", "org.springframework.boot.loader.launch.JarLauncher" ]

# The mauve station as a container: the static binary alone on distroless
# (CA certificates for SMTP/HTTPS, no shell, runs as uid 65532).
#
#   docker build -t mauve .
#   docker run -p 32741:32741/udp -p 1288:1288 -v mauve:/var/lib/mauve mauve
#
# Pass --config /etc/mauve/mauve.hcl (mounted) for a real configuration.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
ARG DATE=""
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/mauve . \
 && mkdir -p /out/data \
 && /out/mauve version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mauve /mauve
COPY --from=build --chown=65532:65532 /out/data /var/lib/mauve
WORKDIR /var/lib/mauve
VOLUME /var/lib/mauve
EXPOSE 32741/udp 1288/tcp
ENTRYPOINT ["/mauve"]
CMD ["serve", "--db", "/var/lib/mauve/mauve.db", "--http", "[::]:1288"]

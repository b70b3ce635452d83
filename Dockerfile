# Veil signaling server: builds the single-file bundle, then runs it on node:20-slim as a non-root user.
FROM node:20-slim AS build
WORKDIR /src
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY protocol ./protocol
COPY signaling-server ./signaling-server
COPY scripts/build.mjs ./scripts/build.mjs
RUN node scripts/build.mjs server

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8443
COPY --from=build /src/dist/server/cli.cjs ./cli.cjs
USER node
EXPOSE 8443
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8443)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "cli.cjs"]

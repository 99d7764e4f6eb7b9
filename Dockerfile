# syntax=docker/dockerfile:1

# Node 24 is the current LTS line (Node 20 reached end of life in April 2026); see "Runtime" in README.md.
# ---- build: all dependencies, compile src/ and migrations/ to dist/ (tests and bench are not built) ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/auth-kit/package.json ./packages/auth-kit/
COPY examples/resource-service/package.json ./examples/resource-service/
# No install scripts: bcrypt loads its bundled N-API prebuild, and swagger-ui-dist's @scarf/scarf
# postinstall (install telemetry) must never run for an auth service.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build

# ---- runtime: production dependencies and compiled code only ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/auth-kit/package.json ./packages/auth-kit/
COPY examples/resource-service/package.json ./examples/resource-service/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force \
  && node -e "require('bcrypt').hashSync('image-check', 4)"
# Migrations are found next to the code (dist/migrations), see src/database/data-source-options.ts.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
# Code stays root-owned and read-only to the process; it runs as the image's unprivileged `node` user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]

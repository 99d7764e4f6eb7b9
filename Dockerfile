# syntax=docker/dockerfile:1

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/auth-kit/package.json ./packages/auth-kit/
COPY examples/resource-service/package.json ./examples/resource-service/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and compiled code only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/auth-kit/package.json ./packages/auth-kit/
COPY examples/resource-service/package.json ./examples/resource-service/
# bcrypt ships prebuilt linux-x64/arm64 binaries: no compiler needed here.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Migrations are found next to the code (dist/migrations), see src/database/data-source-options.ts.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
# Code stays root-owned and read-only to the process; it runs as the image's unprivileged `node` user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]

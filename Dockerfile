# syntax=docker/dockerfile:1
# Production image: Node 24 LTS (development needs Node >= 20.19; README "Requirements").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.ts ./
COPY schema ./schema
COPY src ./src
COPY scripts/db.ts scripts/admin.ts ./scripts/
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json .gmrc ./
COPY schema ./schema
COPY migrations ./migrations
# The image's own user, not root; nothing in /app is writable by it.
USER node
EXPOSE 4000
# Ready = PostgreSQL answers and every migration is applied (GET /readyz). Node's fetch: no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The flags of `npm run start:prod` (package.json): the bench measures with the same.
# Other entry points in the image: node dist/scripts/db.js migrate | node dist/scripts/admin.js <command>.
CMD ["node", "--max-semi-space-size=16", "dist/src/main.js"]

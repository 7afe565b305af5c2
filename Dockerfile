# The gateway image used by docker-compose.yml. Two stages: build with dev dependencies, run with production ones.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# A named volume mounted here takes this folder's owner, so the unprivileged user can keep its data (demo keys).
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 4000
CMD ["node", "dist/src/main.js"]
